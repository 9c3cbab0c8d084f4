import { useT } from './i18n.ts';

/** What a screen shows while its code loads: the screens past the menu load on first use. */
export function Loading() {
  const t = useT();
  return <p className="muted" aria-busy="true">{t('loading')}</p>;
}
