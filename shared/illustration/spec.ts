import { glassFromText, isGlass, type Glass } from './glasses.ts';

/**
 * What a drink's drawing shows, worked out from the drink's own data: its glass, the colour of
 * the liquid (a mix of its ingredients' colours, weighted by amount), one garnish, and a few
 * marks (ice, foam, bubbles, steam, a salted rim). The whole spec is the illustration's URL, so
 * the server draws it without a database read, equal drinks share one cached image, and a
 * changed drink gets a new URL (cached for ever, like photos).
 */
export const GARNISHES = [
  'none',
  'lime',
  'lemon',
  'orange',
  'orange_peel',
  'lemon_twist',
  'grapefruit',
  'cherry',
  'mint',
  'coffee_beans',
  'cinnamon',
  'nutmeg',
  'celery',
  'cucumber',
  'rosemary',
  'berry',
  'apple',
] as const;
export type Garnish = (typeof GARNISHES)[number];

export interface IllustrationSpec {
  glass: Glass;
  /** Liquid colours, lighter top and deeper bottom, as six hex digits. */
  top: string;
  bottom: string;
  garnish: Garnish;
  ice: boolean;
  foam: boolean;
  bubbles: boolean;
  steam: boolean;
  salt: boolean;
}

/** The drink fields a drawing is made from (the public drink plus, where known, its recipe). */
export interface IllustrationSource {
  glass?: string | null;
  ingredients: string[];
  recipe?: { ingredients?: { name: string; amount: string }[]; garnish?: string; glassware?: string };
}

// Bumped when the drawing changes, so cached old pictures are not reused.
const RENDER_VERSION = '1';
const CLEAR: Rgb = [226, 234, 236];

type Rgb = [number, number, number];

/** [pattern, colour, how strongly it tints the drink (0 clear … 1 opaque)]; the first match wins. */
const INGREDIENT_COLOURS: [RegExp, string, number][] = [
  [/campari/, 'c8102e', 1],
  [/aperol/, 'f26b21', 1],
  [/cassis/, '5a0f3a', 1],
  [/grenadine/, 'd6204e', 1],
  [/cranberr/, 'b3123a', 0.9],
  [/tomato/, 'c1321f', 1],
  [/red wine|vin rouge/, '6d0f1c', 1],
  [/coffee liqueur|kahl|liqueur de caf/, '2a160c', 1],
  [/coffee|espresso|caf[eé]/, '3b2314', 1],
  [/cream|milk|lait|cr[eè]me fra|egg\b|whole egg|oeuf|œuf/, 'f3e6c8', 0.9],
  [/vermouth/, '7a1f12', 0.8],
  [/dark rum|rhum brun|rhum ambr/, '7a3e12', 0.7],
  [/whisk|bourbon|\brye\b|scotch|brandy|cognac/, 'b8742a', 0.6],
  [/apple|pomme|cider|cidre/, 'd99a3a', 0.8],
  [/worcester|hot sauce|piment/, '5a2010', 0.5],
  [/bitters|angostura/, '8b1d12', 0.9],
  [/maple|[eé]rable|honey|miel/, 'd69a2d', 0.5],
  [/brown sugar|sucre roux|cassonade/, '8a5a2b', 0.4],
  [/grapefruit|pamplemousse/, 'f4a3a0', 0.5],
  [/ginger beer|ginger ale|bi[eè]re de gingembre/, 'd8c27a', 0.4],
  [/prosecco|champagne|sparkling|p[eé]tillant|effervescent/, 'f4e6a6', 0.15],
  [/elderflower|sureau/, 'f0ecc0', 0.3],
  [/cucumber|concombre/, 'b9e0a0', 0.3],
  [/mint|menthe/, '5fae5a', 0.2],
  [/lime|citron vert/, 'c9e07a', 0.3],
  [/lemon|citron/, 'f3e27a', 0.3],
  [/orange|triple sec|cointreau/, 'f2a33a', 0.2],
  [/ginger|gingembre/, 'e6d59a', 0.3],
];

/** [pattern, garnish]; the garnish named first in the recipe's garnish line is drawn. */
const GARNISH_WORDS: [RegExp, Garnish][] = [
  [/orange (peel|twist|zest)|zeste d.orange|écorce d.orange/, 'orange_peel'],
  [/lemon (peel|twist|zest)|zeste de citron/, 'lemon_twist'],
  [/lime|citron vert/, 'lime'],
  [/grapefruit|pamplemousse/, 'grapefruit'],
  [/lemon|citron/, 'lemon'],
  [/orange/, 'orange'],
  [/cherr|cerise/, 'cherry'],
  [/mint|menthe/, 'mint'],
  [/coffee bean|grains? de caf/, 'coffee_beans'],
  [/cinnamon|cannelle/, 'cinnamon'],
  [/nutmeg|muscade/, 'nutmeg'],
  [/celery|c[eé]leri/, 'celery'],
  [/cucumber|concombre/, 'cucumber'],
  [/rosemary|romarin/, 'rosemary'],
  [/berr|cassis|m[uû]re|airelle|cranberr/, 'berry'],
  [/apple|pomme/, 'apple'],
];

const ICED: Glass[] = ['rocks', 'highball', 'collins', 'copper_mug', 'hurricane'];

function hexToRgb(hex: string): Rgb {
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function rgbToHex(rgb: Rgb): string {
  return rgb.map((c) => Math.round(Math.max(0, Math.min(255, c))).toString(16).padStart(2, '0')).join('');
}

function blend(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Millilitres, roughly: "30 ml", "3 cl", "1 oz", "2 dashes"; a garnish-like amount counts little. */
function amountMl(amount: string): number {
  const match = /(\d+(?:[.,]\d+)?)\s*(ml|cl|oz|dash|drop|piece|bar spoon|tsp|tbsp)?/i.exec(amount);
  if (!match) return /top|remplir|compl/i.test(amount) ? 60 : amount.trim() ? 2 : 30;
  const value = Number(match[1]!.replace(',', '.'));
  switch ((match[2] ?? 'ml').toLowerCase()) {
    case 'cl':
      return value * 10;
    case 'oz':
      return value * 30;
    case 'ml':
      return value;
    case 'dash':
    case 'drop':
      return value * 0.8;
    default:
      return value * 2;
  }
}

function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** The liquid's colour: ingredient tints mixed by amount over a clear base. */
function liquidColour(parts: { name: string; ml: number }[]): Rgb {
  let tint: Rgb = [0, 0, 0];
  let tintWeight = 0;
  let total = 0;
  for (const part of parts) {
    const name = fold(part.name);
    if (/\b(salt|sel|pepper|poivre|ice|glace|clove|girofle|star anise|anis [eé]toil|cinnamon stick|b[aâ]ton de cannelle)\b/.test(name)) continue;
    total += part.ml;
    const match = INGREDIENT_COLOURS.find(([pattern]) => pattern.test(name));
    if (!match) continue;
    const weight = part.ml * match[2];
    const rgb = hexToRgb(match[1]);
    tint = [tint[0] + rgb[0] * weight, tint[1] + rgb[1] * weight, tint[2] + rgb[2] * weight];
    tintWeight += weight;
  }
  if (tintWeight === 0 || total === 0) return CLEAR;
  const mixed: Rgb = [tint[0] / tintWeight, tint[1] / tintWeight, tint[2] / tintWeight];
  // Even a little Campari colours a whole glass: opacity grows fast with the tinted share.
  const opacity = Math.min(1, Math.sqrt(tintWeight / total) * 1.25);
  return blend(CLEAR, mixed, opacity);
}

function pickGarnish(text: string): Garnish {
  const folded = fold(text);
  let best: { at: number; garnish: Garnish } | undefined;
  for (const [pattern, garnish] of GARNISH_WORDS) {
    const at = folded.search(pattern);
    if (at >= 0 && (!best || at < best.at)) best = { at, garnish };
  }
  return best?.garnish ?? 'none';
}

/** The glass drawn for a drink: the host's pick, else what the recipe's glassware line names, else a rocks glass. */
export function effectiveGlass(source: Pick<IllustrationSource, 'glass' | 'recipe'>): Glass {
  if (isGlass(source.glass)) return source.glass;
  return glassFromText(source.recipe?.glassware) ?? 'rocks';
}

export function illustrationSpec(source: IllustrationSource): IllustrationSpec {
  const glass = effectiveGlass(source);
  const recipeParts = source.recipe?.ingredients ?? [];
  const parts =
    recipeParts.length > 0
      ? recipeParts.map((part) => ({ name: part.name, ml: amountMl(part.amount) }))
      : source.ingredients.map((name) => ({ name, ml: 30 }));
  const colour = liquidColour(parts);
  const everything = fold([...source.ingredients, ...recipeParts.map((part) => part.name)].join(' | '));
  const garnishLine = fold(source.recipe?.garnish ?? '');
  const glassware = fold(source.recipe?.glassware ?? '');
  const hot = /hot (water|coffee|filter)|heatproof|eau chaude|caf[eé] (filtre )?chaud|r[eé]sistant [aà] la chaleur/.test(`${everything} ${glassware}`);
  return {
    glass,
    top: rgbToHex(blend(colour, [255, 255, 255], 0.14)),
    bottom: rgbToHex(blend(colour, [0, 0, 0], 0.22)),
    garnish: pickGarnish(garnishLine),
    ice: ICED.includes(glass) && !hot,
    foam: /egg white|blanc d.oeuf|blanc d.œuf|whipped|fouett|cream float|espresso|double cream/.test(everything + ' ' + garnishLine),
    bubbles: /soda|tonic|champagne|prosecco|sparkling|ginger beer|ginger ale|p[eé]tillant|limonade/.test(everything),
    steam: hot,
    salt: /\bsalt(ed)? rim|flaky salt|bord sal[eé]|sel en flocons/.test(everything + ' ' + garnishLine),
  };
}

const FLAGS: [keyof IllustrationSpec, string][] = [
  ['ice', 'i'],
  ['foam', 'f'],
  ['bubbles', 'b'],
  ['steam', 's'],
  ['salt', 'r'],
];

export const ILLUSTRATION_PREFIX = '/images/drawn/';

export function illustrationPath(spec: IllustrationSpec): string {
  const flags = FLAGS.filter(([key]) => spec[key]).map(([, letter]) => letter).join('') || 'x';
  return `${ILLUSTRATION_PREFIX}${RENDER_VERSION}-${spec.glass}-${spec.top}-${spec.bottom}-${spec.garnish}-${flags}.svg`;
}

/** The URL of a drink's drawing, from its data. */
export function illustrationUrl(source: IllustrationSource): string {
  return illustrationPath(illustrationSpec(source));
}

/** Reads a drawing's file name back into its spec; undefined for anything else (a 404). */
export function parseIllustrationFile(file: string): IllustrationSpec | undefined {
  const match = /^(\d+)-([a-z_]+)-([0-9a-f]{6})-([0-9a-f]{6})-([a-z_]+)-([a-z]{1,5})\.svg$/.exec(file);
  if (!match || match[1] !== RENDER_VERSION || !isGlass(match[2])) return undefined;
  const garnish = match[5] as Garnish;
  if (!GARNISHES.includes(garnish)) return undefined;
  const flags = match[6]!;
  if (flags !== 'x' && !/^i?f?b?s?r?$/.test(flags)) return undefined;
  return {
    glass: match[2],
    top: match[3]!,
    bottom: match[4]!,
    garnish,
    ice: flags.includes('i'),
    foam: flags.includes('f'),
    bubbles: flags.includes('b'),
    steam: flags.includes('s'),
    salt: flags.includes('r'),
  };
}
