import type { Reason, Trait } from '../../shared/taste/engine.ts';
import type { Locale, Messages, Translate } from './translator.ts';
import { createTranslator } from './translator.ts';

/**
 * The strings of "What should I drink?" and the AI bartender, in English and French. Kept
 * beside the guest catalog rather than in it: the reasons are built from parts (traits joined
 * by "and", then "like the … you had") and tested as sentences in both languages.
 */
const en = {
  'suggest.title': 'What should I drink?',
  'suggest.lead': 'A few taps and the bar picks three drinks from tonight’s menu.',
  'suggest.progress': 'Question {n} of {total}',
  'suggest.skip': 'No preference',
  'suggest.showNow': 'Show my drinks',
  'suggest.results': 'Try one of these',
  'suggest.loading': 'Picking your drinks…',
  'suggest.none': 'Nothing on the menu fits right now. Change your answers or browse the menu.',
  'suggest.noMenu': 'The menu has not been saved on this phone yet. It appears once the bar is reachable.',
  'suggest.order': 'Order {name}',
  'suggest.orderShort': 'Order',
  'suggest.again': 'Change my answers',
  'suggest.forget': 'Forget my answers',
  'suggest.close': 'Back to the menu',
  'suggest.kept': 'Your answers stay on this phone (sent only with a chat message) and are forgotten when you leave the bar.',
  'q.alcohol_free': 'Alcohol or not?',
  'q.alcohol_free.yes': 'Alcohol-free',
  'q.alcohol_free.no': 'With alcohol',
  'q.strength': 'Strong or light?',
  'q.strength.strong': 'Strong',
  'q.strength.light': 'Light',
  'q.sweetness': 'Sweet or dry?',
  'q.sweetness.sweet': 'Sweet',
  'q.sweetness.dry': 'Dry',
  'q.sour': 'Something sour?',
  'q.sour.yes': 'Yes, sour',
  'q.sour.no': 'Not sour',
  'q.bitter': 'Something bitter?',
  'q.bitter.yes': 'Yes, bitter',
  'q.bitter.no': 'Not bitter',
  'q.fizzy': 'Fizzy?',
  'q.fizzy.yes': 'Fizzy',
  'q.fizzy.no': 'Still',
  'q.creamy': 'Creamy?',
  'q.creamy.yes': 'Creamy',
  'q.creamy.no': 'Not creamy',
  'q.fruity': 'Fruity?',
  'q.fruity.yes': 'Fruity',
  'q.fruity.no': 'Not fruity',
  'trait.sweet': 'sweet',
  'trait.dry': 'dry',
  'trait.sour': 'sour',
  'trait.bitter': 'bitter',
  'trait.strong': 'strong',
  'trait.light': 'light',
  'trait.fizzy': 'fizzy',
  'trait.creamy': 'creamy',
  'trait.fruity': 'fruity',
  'trait.alcohol_free': 'alcohol-free',
  'reason.and': '{a} and {b}',
  'reason.likePast': 'like the {drink} you had',
  'reason.hadBefore': 'one you have had before',
  'reason.menuPick': 'a good pick from tonight’s menu',
  'reason.join': '{traits}, {past}',
  'chat.open': 'Ask the bartender',
  'chat.title': 'The bartender',
  'chat.lead': 'Ask for a drink in your own words. The bartender only offers what is on tonight’s menu.',
  'chat.message': 'Message',
  'chat.send': 'Send',
  'chat.sending': 'The bartender is typing…',
  'chat.you': 'You',
  'chat.bartender': 'Bartender',
  'chat.propose': 'The bartender suggests {name}',
  'chat.confirm': 'Order {name}',
  'chat.ordered': 'Ordered: {name}. See it in your orders.',
  'chat.off': 'The bartender chat is not available at this bar. The suggestions above still work.',
  'chat.unreachable': 'The bartender cannot answer right now. The suggestions above still work.',
  'chat.offline': 'The bar cannot be reached, so the chat is paused. The suggestions above work offline.',
  'chat.rateLimited': 'That is a lot of questions: wait a minute, then ask again.',
  'chat.tooLong': 'This conversation is long enough: start a new one to go on.',
  'chat.restart': 'New conversation',
  'chat.failed': 'The message could not be sent ({message}).',
} as const;

type Key = keyof typeof en;

const fr: Record<Key, string> = {
  'suggest.title': 'Que boire ?',
  'suggest.lead': 'Quelques touches, et le bar choisit trois boissons de la carte du jour.',
  'suggest.progress': 'Question {n} sur {total}',
  'suggest.skip': 'Peu importe',
  'suggest.showNow': 'Voir mes boissons',
  'suggest.results': 'Essayez l’une de celles-ci',
  'suggest.loading': 'Choix de vos boissons…',
  'suggest.none': 'Rien sur la carte ne convient pour le moment. Changez vos réponses ou parcourez la carte.',
  'suggest.noMenu': 'La carte n’est pas encore enregistrée sur ce téléphone. Elle s’affichera dès que le bar sera joignable.',
  'suggest.order': 'Commander {name}',
  'suggest.orderShort': 'Commander',
  'suggest.again': 'Changer mes réponses',
  'suggest.forget': 'Oublier mes réponses',
  'suggest.close': 'Retour à la carte',
  'suggest.kept': 'Vos réponses restent sur ce téléphone (envoyées seulement avec un message au barman) et sont oubliées quand vous quittez le bar.',
  'q.alcohol_free': 'Avec ou sans alcool ?',
  'q.alcohol_free.yes': 'Sans alcool',
  'q.alcohol_free.no': 'Avec alcool',
  'q.strength': 'Fort ou léger ?',
  'q.strength.strong': 'Fort',
  'q.strength.light': 'Léger',
  'q.sweetness': 'Sucré ou sec ?',
  'q.sweetness.sweet': 'Sucré',
  'q.sweetness.dry': 'Sec',
  'q.sour': 'Acidulé ?',
  'q.sour.yes': 'Oui, acidulé',
  'q.sour.no': 'Pas acidulé',
  'q.bitter': 'Amer ?',
  'q.bitter.yes': 'Oui, amer',
  'q.bitter.no': 'Pas amer',
  'q.fizzy': 'Pétillant ?',
  'q.fizzy.yes': 'Pétillant',
  'q.fizzy.no': 'Plat',
  'q.creamy': 'Crémeux ?',
  'q.creamy.yes': 'Crémeux',
  'q.creamy.no': 'Pas crémeux',
  'q.fruity': 'Fruité ?',
  'q.fruity.yes': 'Fruité',
  'q.fruity.no': 'Pas fruité',
  'trait.sweet': 'sucré',
  'trait.dry': 'sec',
  'trait.sour': 'acidulé',
  'trait.bitter': 'amer',
  'trait.strong': 'fort',
  'trait.light': 'léger',
  'trait.fizzy': 'pétillant',
  'trait.creamy': 'crémeux',
  'trait.fruity': 'fruité',
  'trait.alcohol_free': 'sans alcool',
  'reason.and': '{a} et {b}',
  'reason.likePast': 'comme votre {drink}',
  'reason.hadBefore': 'vous l’avez déjà pris',
  'reason.menuPick': 'un bon choix de la carte du jour',
  'reason.join': '{traits}, {past}',
  'chat.open': 'Demander au barman',
  'chat.title': 'Le barman',
  'chat.lead': 'Demandez une boisson avec vos mots. Le barman ne propose que ce qui est à la carte ce soir.',
  'chat.message': 'Message',
  'chat.send': 'Envoyer',
  'chat.sending': 'Le barman écrit…',
  'chat.you': 'Vous',
  'chat.bartender': 'Barman',
  'chat.propose': 'Le barman propose {name}',
  'chat.confirm': 'Commander {name}',
  'chat.ordered': 'Commandé : {name}. Voir vos commandes.',
  'chat.off': 'Le barman virtuel n’est pas disponible dans ce bar. Les suggestions ci-dessus fonctionnent toujours.',
  'chat.unreachable': 'Le barman ne peut pas répondre pour le moment. Les suggestions ci-dessus fonctionnent toujours.',
  'chat.offline': 'Le bar est injoignable, la discussion est en pause. Les suggestions ci-dessus marchent hors ligne.',
  'chat.rateLimited': 'Cela fait beaucoup de questions : attendez une minute, puis recommencez.',
  'chat.tooLong': 'Cette conversation est assez longue : commencez-en une nouvelle pour continuer.',
  'chat.restart': 'Nouvelle conversation',
  'chat.failed': 'Le message n’a pas pu être envoyé ({message}).',
};

export type TasteKey = Key;
export const tasteMessages: Messages<Key> = { en, fr };

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** "bitter", "bitter and strong", "bitter, sour and strong". */
function joinTraits(traits: Trait[], t: Translate<Key>): string {
  const words = traits.map((trait) => t(`trait.${trait}`));
  if (words.length <= 1) return words.join('');
  return t('reason.and', { a: words.slice(0, -1).join(', '), b: words[words.length - 1]! });
}

/** One line in the guest's language: "Bitter and strong, like the Negroni you had". */
export function reasonLine(reasons: Reason[], t: Translate<Key>): string {
  const traits = reasons.flatMap((reason) => (reason.key === 'trait' ? [reason.params.trait] : []));
  const past = reasons.find((reason) => reason.key === 'like_past' || reason.key === 'had_before');
  const pastText = past?.key === 'like_past' ? t('reason.likePast', { drink: past.params.drink }) : past ? t('reason.hadBefore') : '';
  const traitText = joinTraits(traits, t);
  if (traitText && pastText) return capitalise(t('reason.join', { traits: traitText, past: pastText }));
  if (traitText || pastText) return capitalise(traitText || pastText);
  return capitalise(t('reason.menuPick'));
}

export function tasteTranslator(locale: Locale): Translate<Key> {
  return createTranslator(tasteMessages, locale);
}
