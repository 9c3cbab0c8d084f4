/**
 * The glasses barback can draw. The id is stored on the drink (`glass`) and is part of the
 * illustration's URL, so it never changes once shipped; the names are for the host's editor.
 */
export const GLASSES = [
  'coupe',
  'martini',
  'rocks',
  'highball',
  'collins',
  'flute',
  'wine',
  'mug',
  'irish_coffee',
  'copper_mug',
  'hurricane',
  'shot',
] as const;
export type Glass = (typeof GLASSES)[number];

export function isGlass(value: unknown): value is Glass {
  return typeof value === 'string' && (GLASSES as readonly string[]).includes(value);
}

// The first rule that matches wins: "Coupe or martini glass" is a coupe, "Copper mug or highball" a copper mug.
const GLASS_WORDS: [RegExp, Glass][] = [
  [/copper/, 'copper_mug'],
  [/irish coffee/, 'irish_coffee'],
  [/hurricane|tiki/, 'hurricane'],
  [/coupe|coupette/, 'coupe'],
  [/martini|cocktail glass/, 'martini'],
  [/flute|champagne/, 'flute'],
  [/collins/, 'collins'],
  [/highball|balloon|tall/, 'highball'],
  [/wine|spritz|goblet/, 'wine'],
  [/mug|heatproof|toddy|punch cup|tasse/, 'mug'],
  [/shot/, 'shot'],
  [/rocks|old fashioned|tumbler|lowball/, 'rocks'],
];

/** The glass a free-text glassware line names ("Rocks glass", "Heatproof glass or mug"), if any. */
export function glassFromText(text: string | undefined | null): Glass | null {
  if (!text) return null;
  const folded = text.toLowerCase();
  for (const [pattern, glass] of GLASS_WORDS) if (pattern.test(folded)) return glass;
  return null;
}
