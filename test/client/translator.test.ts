import { describe, expect, it } from 'vitest';
import { createTranslator, detectLocale } from '../../client/i18n/translator.ts';
import { guestMessages } from '../../client/i18n/guest.ts';

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
