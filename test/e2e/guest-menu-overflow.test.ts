import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable } from './support/chromium.ts';
import { launchBrowser } from './support/browser.ts';
import { E2eServer } from './support/e2e-server.ts';
import { AXE_SOURCE, SCREENSHOTS, menuDrinks } from './support/guest-fixtures.ts';
import { GuestPage } from './support/guest-page.ts';
import { overflowingElements } from './support/overflow.ts';

/**
 * Every guest screen at 360 px, in English and in French (with the default menu seeded in
 * French), has no element running out of the screen or out of its card, and passes axe.
 */
const LANGUAGES = [
  { locale: 'en-US', menu: 'en', words: { join: 'Your name', joinButton: 'Join', order: 'Order', place: 'Place order', orders: 'My orders', filter: 'Alcohol-free', ice: 'Ice' } },
  { locale: 'fr-FR', menu: 'fr', words: { join: 'Votre nom', joinButton: 'Entrer', order: 'Commander', place: 'Passer la commande', orders: 'Mes commandes', filter: 'Sans alcool', ice: 'Glace' } },
] as const;

describe.skipIf(!browserAvailable())('guest screens fit a 360 px phone, in English and in French', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const language of LANGUAGES) {
    it(`${language.locale}: join, menu, filter, drink, order sheet with options, my orders`, async () => {
      const server = await E2eServer.start({ MENU_LANGUAGE: language.menu, MAX_ACTIVE_ORDERS: '1' });
      try {
        const drinks = await menuDrinks(server);
        const negroni = drinks.find((drink) => drink.name === 'Negroni')!;
        const ice = language.words.ice;
        const options = [
          { name: ice, default: language.menu === 'fr' ? 'Normale' : 'Normal', choices: language.menu === 'fr' ? [{ name: 'Sans' }, { name: 'Normale' }, { name: 'Extra' }] : [{ name: 'None' }, { name: 'Normal' }, { name: 'Extra' }] },
          { name: language.menu === 'fr' ? 'Taille' : 'Size', required: true, choices: language.menu === 'fr' ? [{ name: 'Simple' }, { name: 'Double' }] : [{ name: 'Single' }, { name: 'Double' }] },
        ];
        expect((await server.admin('PUT', `/api/admin/drinks/${negroni.id}`, { options })).status).toBe(200);
        const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: language.locale, serviceWorkers: 'allow', hasTouch: true });
        const guest = await GuestPage.open(context, server.url);
        const page = guest.page;
        const check = async (screen: string) => {
          expect(await overflowingElements(page), `${language.locale} ${screen}`).toEqual([]);
          expect(await guest.axeViolations(AXE_SOURCE), `axe ${language.locale} ${screen}`).toEqual([]);
          if (process.env.SCREENSHOTS === '1' && language.menu === 'fr' && (screen === 'menu' || screen === 'order-sheet')) await page.screenshot({ path: path.join(SCREENSHOTS, `guest-fr-${screen}.png`) });
        };

        await page.goto(await server.newJoinUrl());
        await page.getByLabel(language.words.join).waitFor();
        await check('join');
        await page.getByLabel(language.words.join).fill('Dominique-Élisabeth');
        await page.getByRole('button', { name: language.words.joinButton }).click();
        await guest.drinks().first().waitFor();
        if (language.menu === 'fr') {
          // The default menu in French, proper names kept.
          await page.getByRole('heading', { name: 'Classiques' }).waitFor();
          expect(await guest.drink('Negroni').textContent()).toContain('Vermouth rouge');
        }
        await page.locator('img').first().evaluate((img: HTMLImageElement) => img.decode().catch(() => undefined));
        await check('menu');
        await page.getByRole('button', { name: language.words.filter }).click();
        await check('menu-alcohol-free');
        await page.getByRole('button', { name: language.words.filter }).click();

        await guest.drink('Negroni').getByRole('link').click();
        await page.getByRole('heading', { level: 1, name: 'Negroni' }).waitFor();
        await check('drink');

        await page.getByRole('button', { name: `${language.words.order} Negroni` }).click();
        await page.getByRole('radiogroup', { name: ice }).waitFor();
        await check('order-sheet');
        await page.getByRole('radio', { name: 'Double' }).check();
        await page.getByRole('dialog').getByRole('button', { name: language.words.place }).click();
        await guest.orders().first().waitFor();
        // MAX_ACTIVE_ORDERS=1: the second is refused, with its reason shown in the card.
        await page.getByRole('link', { name: language.menu === 'fr' ? 'Carte' : 'Menu' }).click();
        await guest.drinks().first().waitFor();
        const mojito = drinks.find((drink) => drink.name === 'Mojito')!;
        await page.locator(`[data-drink-id="${mojito.id}"]`).getByRole('button', { name: `${language.words.order} Mojito` }).click();
        await page.getByRole('dialog').getByRole('button', { name: language.words.place }).click();
        await page.locator('[data-order-id][data-status="failed"]').waitFor({ timeout: 15_000 });
        await check('orders');
        await context.close();
      } finally {
        await server.dispose();
      }
    });
  }
});
