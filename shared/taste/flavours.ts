/**
 * The ingredient → flavour table behind "What should I drink?" (see shared/taste/README.md).
 *
 * Each entry scores what one ingredient brings to a drink, 0 (nothing) to 3 (it defines the
 * drink): sweet, sour, bitter, fizzy, creamy, fruity. `strength` is the alcohol it carries
 * (1 wine, beer, sparkling wine; 2 liqueurs, aperitifs, vermouth; 3 spirits); any strength
 * makes the drink alcoholic. `long` marks a mixer poured by the glassful (soda, tonic, juice,
 * hot water) that makes a drink lighter. An ingredient not in the table counts for nothing:
 * the engine never guesses from a name.
 */
export interface Flavour {
  sweet?: number;
  sour?: number;
  bitter?: number;
  fizzy?: number;
  creamy?: number;
  fruity?: number;
  strength?: number;
  long?: boolean;
}

const SPIRIT: Flavour = { strength: 3 };

/** Keys are normalised names (see `normaliseIngredient`); aliases point at the same values. */
export const FLAVOURS: Readonly<Record<string, Flavour>> = {
  // Spirits
  gin: { ...SPIRIT, bitter: 1 },
  vodka: SPIRIT,
  'citrus vodka': { ...SPIRIT, fruity: 1, sour: 1 },
  'white rum': { ...SPIRIT, sweet: 1 },
  rum: { ...SPIRIT, sweet: 1 },
  'dark rum': { ...SPIRIT, sweet: 2 },
  'spiced rum': { ...SPIRIT, sweet: 2 },
  'tequila blanco': SPIRIT,
  tequila: SPIRIT,
  mezcal: SPIRIT,
  bourbon: { ...SPIRIT, sweet: 1 },
  'bourbon or rye whiskey': { ...SPIRIT, sweet: 1 },
  'rye whiskey': SPIRIT,
  whiskey: SPIRIT,
  whisky: SPIRIT,
  'irish whiskey': SPIRIT,
  scotch: SPIRIT,
  'scotch or irish whisky': SPIRIT,
  brandy: { ...SPIRIT, fruity: 1 },
  cognac: { ...SPIRIT, fruity: 1 },
  cachaca: { ...SPIRIT, sweet: 1 },
  pisco: { ...SPIRIT, fruity: 1 },
  absinthe: { ...SPIRIT, bitter: 1 },
  // Liqueurs, aperitifs, fortified wines
  campari: { strength: 2, bitter: 3, sweet: 1 },
  aperol: { strength: 2, bitter: 2, sweet: 1, fruity: 1 },
  'sweet vermouth': { strength: 2, sweet: 2, bitter: 1 },
  'dry vermouth': { strength: 2, bitter: 1 },
  'triple sec': { strength: 2, sweet: 2, fruity: 2 },
  cointreau: { strength: 2, sweet: 2, fruity: 2 },
  'orange liqueur': { strength: 2, sweet: 2, fruity: 2 },
  'coffee liqueur': { strength: 2, sweet: 3, bitter: 1 },
  kahlua: { strength: 2, sweet: 3, bitter: 1 },
  'creme de cassis': { strength: 2, sweet: 3, fruity: 3 },
  amaretto: { strength: 2, sweet: 3 },
  'elderflower liqueur': { strength: 2, sweet: 2, fruity: 2 },
  baileys: { strength: 2, sweet: 3, creamy: 3 },
  'irish cream': { strength: 2, sweet: 3, creamy: 3 },
  chartreuse: { strength: 3, sweet: 1, bitter: 1 },
  'maraschino liqueur': { strength: 2, sweet: 2, fruity: 1 },
  // Wine, sparkling wine, beer, cider
  'red wine': { strength: 1, fruity: 2 },
  'white wine': { strength: 1, fruity: 1, sour: 1 },
  champagne: { strength: 1, fizzy: 3, sour: 1 },
  prosecco: { strength: 1, fizzy: 3, fruity: 1 },
  'sparkling wine': { strength: 1, fizzy: 3 },
  'champagne or dry sparkling wine': { strength: 1, fizzy: 3, sour: 1 },
  beer: { strength: 1, fizzy: 2, bitter: 1, long: true },
  lager: { strength: 1, fizzy: 2, bitter: 1, long: true },
  cider: { strength: 1, fizzy: 2, fruity: 2, long: true },
  // Bitters
  'angostura bitters': { bitter: 2 },
  'orange bitters': { bitter: 2, fruity: 1 },
  bitters: { bitter: 2 },
  // Sweeteners
  'sugar syrup': { sweet: 2 },
  'simple syrup': { sweet: 2 },
  'brown sugar syrup': { sweet: 2 },
  sugar: { sweet: 2 },
  honey: { sweet: 2 },
  'honey syrup': { sweet: 2 },
  'maple syrup': { sweet: 2 },
  'agave syrup': { sweet: 2 },
  grenadine: { sweet: 3, fruity: 2 },
  'elderflower cordial': { sweet: 2, fruity: 2 },
  // Citrus and fruit
  'lime juice': { sour: 3, fruity: 1 },
  'fresh lime juice': { sour: 3, fruity: 1 },
  lime: { sour: 2, fruity: 1 },
  'lime wedge': { sour: 2, fruity: 1 },
  'lime wheel': { sour: 1, fruity: 1 },
  'lemon juice': { sour: 3, fruity: 1 },
  'fresh lemon juice': { sour: 3, fruity: 1 },
  lemon: { sour: 2, fruity: 1 },
  'lemon wheel': { sour: 1, fruity: 1 },
  'lemon peel': { fruity: 1 },
  orange: { fruity: 2, sweet: 1 },
  'orange slice': { fruity: 2, sweet: 1 },
  'orange peel': { fruity: 1 },
  'orange juice': { fruity: 3, sweet: 2, long: true },
  'grapefruit juice': { fruity: 2, sour: 2, bitter: 1, long: true },
  'cranberry juice': { fruity: 3, sour: 2, long: true },
  'apple juice': { fruity: 3, sweet: 2, long: true },
  'cloudy apple juice': { fruity: 3, sweet: 2, long: true },
  'pineapple juice': { fruity: 3, sweet: 2, long: true },
  'tomato juice': { long: true },
  cherry: { fruity: 2, sweet: 1 },
  'maraschino cherry': { fruity: 2, sweet: 2 },
  strawberry: { fruity: 3, sweet: 1 },
  raspberry: { fruity: 3, sour: 1 },
  'passion fruit': { fruity: 3, sour: 2 },
  cucumber: { fruity: 1 },
  'cucumber slices': { fruity: 1 },
  // Mixers
  'soda water': { fizzy: 3, long: true },
  soda: { fizzy: 3, long: true },
  'sparkling water': { fizzy: 3, long: true },
  'tonic water': { fizzy: 3, bitter: 2, sweet: 1, long: true },
  tonic: { fizzy: 3, bitter: 2, sweet: 1, long: true },
  'ginger beer': { fizzy: 3, sweet: 2, long: true },
  'ginger ale': { fizzy: 3, sweet: 2, long: true },
  'grapefruit soda': { fizzy: 3, fruity: 2, sweet: 2, long: true },
  cola: { fizzy: 3, sweet: 3, long: true },
  lemonade: { fizzy: 2, sweet: 2, sour: 1, long: true },
  'hot water': { long: true },
  water: { long: true },
  // Dairy and egg
  milk: { creamy: 2, long: true },
  'whole milk': { creamy: 2, long: true },
  cream: { creamy: 3 },
  'double cream': { creamy: 3 },
  'lightly whipped double cream': { creamy: 3 },
  'whipped cream': { creamy: 3, sweet: 1 },
  'coconut cream': { creamy: 3, sweet: 2 },
  'egg white': { creamy: 2 },
  egg: { creamy: 2 },
  'whole egg': { creamy: 2 },
  // Coffee and tea
  espresso: { bitter: 2 },
  'fresh espresso': { bitter: 2 },
  'hot coffee': { bitter: 2, long: true },
  'hot filter coffee': { bitter: 2, long: true },
  coffee: { bitter: 2, long: true },
  'cold brew': { bitter: 2, long: true },
  tea: { bitter: 1, long: true },
  // Herbs, spices and seasoning: flavour, but none of the seven dimensions above
  mint: {},
  'mint leaves': {},
  basil: {},
  'fresh ginger': {},
  'fresh ginger, thinly sliced': {},
  ginger: {},
  cinnamon: {},
  'cinnamon stick': {},
  cloves: {},
  'whole cloves': {},
  nutmeg: {},
  'star anise': {},
  'winter spices': {},
  'black pepper': {},
  'celery salt': {},
  salt: {},
  'flaky salt': {},
  'salt rim': {},
  'hot sauce': {},
  'worcestershire sauce': {},
};

/**
 * One spelling for each name: case, accents, spacing and a trailing "(optional)" or other
 * parenthesis do not matter ("Crème de cassis", "creme  de CASSIS" and "Crème de cassis
 * (optional)" are the same ingredient).
 */
export function normaliseIngredient(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The table's entry for an ingredient as written on a menu, or undefined when unknown. */
export function flavourOf(name: string, table: Readonly<Record<string, Flavour>> = FLAVOURS): Flavour | undefined {
  const key = normaliseIngredient(name);
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
