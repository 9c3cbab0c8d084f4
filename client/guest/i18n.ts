import { guestMessages, type GuestKey } from '../i18n/guest.ts';
import { useTranslator, type Translate } from '../i18n/translator.ts';

export function useT(): Translate<GuestKey> {
  return useTranslator(guestMessages);
}
