import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createTranslator, detectLocale, translatorFor, useTranslator, type Translate } from '../../client/i18n/translator.ts';
import { guestMessages, type GuestKey } from '../../client/i18n/guest.ts';
import { adminMessages } from '../../client/admin/messages.ts';

describe('the message catalog', () => {
  it('follows the first browser language it speaks, English otherwise', () => {
    expect(detectLocale(['fr-CA', 'en'])).toBe('fr');
    expect(detectLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(detectLocale(['ja'])).toBe('en');
  });

  it('fills placeholders, and every guest string exists in both languages', () => {
    expect(createTranslator(guestMessages, 'en')('menu.order', { name: 'Mojito' })).toBe('Order Mojito');
    expect(createTranslator(guestMessages, 'fr')('menu.order', { name: 'Mojito' })).toBe('Commander Mojito');
    expect(Object.keys(guestMessages.fr).sort()).toEqual(Object.keys(guestMessages.en).sort());
    for (const text of Object.values(guestMessages.fr)) expect(text.trim()).not.toBe('');
  });
});

describe('useTranslator', () => {
  it('returns the same function on every render, so effects that depend on t do not re-run', () => {
    const seen: Translate<GuestKey>[] = [];
    function Probe() {
      const t = useTranslator(guestMessages);
      seen.push(t);
      return createElement('p', null, t('menu.order', { name: 'Mojito' }));
    }
    const first = renderToString(createElement(Probe));
    renderToString(createElement(Probe));
    expect(first).toContain('Order Mojito');
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
  });

  it('is one function per catalog and language: another language or catalog gets its own', () => {
    expect(translatorFor(guestMessages, 'fr')).toBe(translatorFor(guestMessages, 'fr'));
    expect(translatorFor(guestMessages, 'fr')).not.toBe(translatorFor(guestMessages, 'en'));
    expect(translatorFor(adminMessages, 'en')).not.toBe(translatorFor(guestMessages, 'en'));
    expect(translatorFor(guestMessages, 'fr')('menu.order', { name: 'Mojito' })).toBe('Commander Mojito');
  });
});
