/**
 * The allergens a drink can declare: the fourteen the EU asks bars to name (Regulation
 * 1169/2011, Annex II), as short stable ids. The guest app shows them in the guest's language.
 */
export const ALLERGENS = [
  'egg',
  'milk',
  'nuts',
  'peanuts',
  'gluten',
  'sulphites',
  'soy',
  'celery',
  'mustard',
  'sesame',
  'fish',
  'crustaceans',
  'molluscs',
  'lupin',
] as const;
export type Allergen = (typeof ALLERGENS)[number];

// Spirits, wines, beers and liqueurs, in English and French: a drink naming none of them is alcohol-free.
const ALCOHOL =
  /\b(gin|vodka|rum|rhum|whisk(e)?y|bourbon|rye|scotch|brandy|cognac|tequila|mezcal|wine|vin|champagne|prosecco|cava|cr[eé]mant|sparkling wine|vermouth|campari|aperol|liqueur|cassis|triple sec|cointreau|amaretto|kahl[uú]a|beer|bi[eè]re|cider|cidre|sake|port|porto|sherry|x[eé]r[eè]s|absinthe|pastis|schnapps|bitters|angostura|spritz)\b/i;
// Names that contain an alcohol word but are not alcoholic.
const NOT_ALCOHOL = /\b(ginger beer|ginger ale|root beer|apple cider vinegar|alcohol[- ]free|sans alcool|non[- ]alcoholic|virgin|bi[eè]re de gingembre|jus de pomme)\b/gi;

/** True when none of the ingredients is an alcoholic one (a guess the host may overrule). */
export function looksAlcoholFree(ingredients: string[]): boolean {
  return ingredients.every((ingredient) => !ALCOHOL.test(ingredient.replace(NOT_ALCOHOL, '')));
}

/** The allergens' names as guests read them, in the apps' two languages. */
export const ALLERGEN_NAMES: Record<'en' | 'fr', Record<Allergen, string>> = {
  en: {
    egg: 'egg',
    milk: 'milk',
    nuts: 'nuts',
    peanuts: 'peanuts',
    gluten: 'gluten',
    sulphites: 'sulphites',
    soy: 'soy',
    celery: 'celery',
    mustard: 'mustard',
    sesame: 'sesame',
    fish: 'fish',
    crustaceans: 'crustaceans',
    molluscs: 'molluscs',
    lupin: 'lupin',
  },
  fr: {
    egg: 'œuf',
    milk: 'lait',
    nuts: 'fruits à coque',
    peanuts: 'arachides',
    gluten: 'gluten',
    sulphites: 'sulfites',
    soy: 'soja',
    celery: 'céleri',
    mustard: 'moutarde',
    sesame: 'sésame',
    fish: 'poisson',
    crustaceans: 'crustacés',
    molluscs: 'mollusques',
    lupin: 'lupin',
  },
};

/** An allergen's name in a language; an id this app does not know is shown as it is. */
export function allergenName(id: string, language: 'en' | 'fr'): string {
  return (ALLERGEN_NAMES[language] as Record<string, string>)[id] ?? id;
}
