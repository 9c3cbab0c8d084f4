import { useSyncExternalStore } from 'react';

/**
 * A tiny message catalog shared by the guest app and the host dashboard: every visible string
 * lives in one `{en, fr}` table per app, and the language follows the browser's.
 */
export type Locale = 'en' | 'fr';

export type Vars = Record<string, string | number>;
export type Messages<K extends string> = { en: Record<K, string>; fr: Record<K, string> };
export type Translate<K extends string> = (key: K, vars?: Vars) => string;

/** The first of the browser's preferred languages we speak; English otherwise. */
export function detectLocale(languages: readonly string[] = browserLanguages()): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

/** Replaces `{name}` placeholders; a missing variable stays visible rather than vanishing. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/**
 * `createTranslator(messages)` → `t(key, vars?)` in the given locale (default: the browser's).
 * A key missing in French falls back to English, so a half-translated catalog never shows keys.
 */
export function createTranslator<K extends string>(messages: Messages<K>, locale: Locale = detectLocale()): Translate<K> {
  return (key, vars) => format(messages[locale][key] ?? messages.en[key] ?? key, vars);
}

function subscribeLanguage(onChange: () => void): () => void {
  if (typeof window === 'undefined') return () => {};
  window.addEventListener('languagechange', onChange);
  return () => window.removeEventListener('languagechange', onChange);
}

/** The current locale, re-rendering when the browser's language changes. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribeLanguage, () => detectLocale(), () => 'en' as Locale);
}

// Keyed by the locale's own table, which is one object per catalog and locale.
const translators = new WeakMap<object, Translate<string>>();

/**
 * The translator for one catalog and locale, made once: the same function every time, so a
 * `t` in an effect's dependencies does not re-run the effect on every render.
 */
export function translatorFor<K extends string>(messages: Messages<K>, locale: Locale): Translate<K> {
  let t = translators.get(messages[locale]);
  if (!t) translators.set(messages[locale], (t = createTranslator(messages, locale) as Translate<string>));
  return t;
}

/**
 * A translator for the current locale, for components: `const t = useTranslator(guestMessages)`.
 * Stable across renders; a new function only when the browser's language changes.
 */
export function useTranslator<K extends string>(messages: Messages<K>): Translate<K> {
  return translatorFor(messages, useLocale());
}
