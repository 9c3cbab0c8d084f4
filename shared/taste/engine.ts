import { FLAVOURS, flavourOf, type Flavour } from './flavours.ts';
import type { TasteAnswers } from './answers.ts';

/**
 * "What should I drink?": a pure, deterministic ranking of the menu's available drinks for a
 * guest's answers and past orders. It runs on the phone from the saved menu (so it works with
 * the server unreachable) and on the server as one of the AI bartender's tools.
 */

export const FLAVOUR_DIMENSIONS = ['sweet', 'sour', 'bitter', 'fizzy', 'creamy', 'fruity'] as const;
export type FlavourDimension = (typeof FLAVOUR_DIMENSIONS)[number];

/** What a drink tastes like, from its known ingredients: each dimension 0–3. */
export interface TasteProfile extends Record<FlavourDimension, number> {
  /** 0 none, 1 light (wine, a spritz), 2 medium (a long drink), 3 strong (mostly spirit). */
  strength: number;
  alcoholic: boolean;
  /** Ingredients the table does not know (they count for nothing). */
  unknown: string[];
}

/** The menu as the engine needs it: the public drink, or the phone's saved copy of it. */
export interface TasteDrink {
  id: string;
  name: string;
  ingredients: string[];
  is_active?: boolean;
  /** False while an ingredient is out of stock (when the server says so). */
  available?: boolean;
  /** The host's own word, when the menu carries it; the table still wins for safety. */
  alcohol_free?: boolean;
}

/** A past order: only which drink and whether it was really had matter. */
export interface PastOrder {
  drink_id: string;
  status: string;
}

export type Trait = FlavourDimension | 'dry' | 'strong' | 'light' | 'alcohol_free';

/** Why a drink is suggested: keys the apps translate, with their parameters. */
export type Reason =
  | { key: 'trait'; params: { trait: Trait } }
  | { key: 'like_past'; params: { drink: string } }
  | { key: 'had_before'; params: { drink: string } }
  | { key: 'menu_pick'; params: Record<string, never> };

export interface Suggestion {
  drink_id: string;
  name: string;
  score: number;
  reasons: Reason[];
}

export interface SuggestInput {
  drinks: TasteDrink[];
  answers: TasteAnswers;
  history: PastOrder[];
}

export const SUGGESTION_COUNT = 3;
/** How much a past drink's likeness counts against an explicit answer (worth up to 3). */
const HISTORY_WEIGHT = 0.5;
/** A past drink sharing at least this much flavour is worth naming in the reason. */
const NOTABLE_LIKENESS = 3;
const MAX_TRAITS = 2;
/** Orders that say nothing about the guest's taste. */
const NOT_TASTED = new Set(['cancelled', 'failed']);

export function profileOf(ingredients: string[], table: Readonly<Record<string, Flavour>> = FLAVOURS): TasteProfile {
  const profile: TasteProfile = { sweet: 0, sour: 0, bitter: 0, fizzy: 0, creamy: 0, fruity: 0, strength: 0, alcoholic: false, unknown: [] };
  let strongest = 0;
  let lengthened = false;
  for (const ingredient of ingredients) {
    const flavour = flavourOf(ingredient, table);
    if (!flavour) {
      profile.unknown.push(ingredient);
      continue;
    }
    for (const dimension of FLAVOUR_DIMENSIONS) profile[dimension] = Math.max(profile[dimension], flavour[dimension] ?? 0);
    strongest = Math.max(strongest, flavour.strength ?? 0);
    lengthened ||= flavour.long === true;
  }
  profile.alcoholic = strongest > 0;
  // A glassful of mixer takes a drink down one step, never to nothing.
  profile.strength = strongest === 0 ? 0 : Math.max(1, strongest - (lengthened ? 1 : 0));
  return profile;
}

export function isAvailable(drink: TasteDrink): boolean {
  return drink.is_active !== false && drink.available !== false;
}

/**
 * Alcohol-free only when nothing says otherwise: no ingredient the table knows as alcoholic,
 * and every ingredient known unless the host has declared the drink alcohol-free. An unknown
 * ingredient might be a spirit; a guest who asked for no alcohol must never get one.
 */
export function isAlcoholFree(drink: TasteDrink, profile: TasteProfile): boolean {
  if (profile.alcoholic || drink.alcohol_free === false) return false;
  return profile.unknown.length === 0 || drink.alcohol_free === true;
}

/** Flavour shared with a past drink (strength left out: the answer about strength decides that). */
function likeness(a: TasteProfile, b: TasteProfile): number {
  return FLAVOUR_DIMENSIONS.reduce((sum, dimension) => sum + Math.min(a[dimension], b[dimension]), 0);
}

function answerScore(profile: TasteProfile, answers: TasteAnswers): number {
  let score = 0;
  for (const dimension of ['sour', 'bitter', 'fizzy', 'creamy', 'fruity'] as const) {
    const wanted = answers[dimension];
    if (wanted !== null) score += wanted ? profile[dimension] : -profile[dimension];
  }
  if (answers.sweetness) score += answers.sweetness === 'sweet' ? profile.sweet : -profile.sweet;
  if (answers.strength) score += answers.strength === 'strong' ? profile.strength : -profile.strength;
  return score;
}

/** The answered wishes this drink clearly meets, most pronounced first. */
function traitsMet(profile: TasteProfile, answers: TasteAnswers, alcoholFree: boolean): Trait[] {
  const met: { trait: Trait; level: number }[] = [];
  if (answers.alcohol_free && alcoholFree) met.push({ trait: 'alcohol_free', level: 4 });
  if (answers.strength === 'strong' && profile.strength >= 3) met.push({ trait: 'strong', level: profile.strength });
  if (answers.strength === 'light' && !answers.alcohol_free) {
    if (alcoholFree) met.push({ trait: 'alcohol_free', level: 3 });
    else if (profile.strength <= 1) met.push({ trait: 'light', level: 3 - profile.strength });
  }
  if (answers.sweetness === 'sweet' && profile.sweet >= 2) met.push({ trait: 'sweet', level: profile.sweet });
  if (answers.sweetness === 'dry' && profile.sweet <= 1) met.push({ trait: 'dry', level: 3 - profile.sweet });
  for (const dimension of ['sour', 'bitter', 'fizzy', 'creamy', 'fruity'] as const) {
    if (answers[dimension] === true && profile[dimension] >= 2) met.push({ trait: dimension, level: profile[dimension] });
  }
  // Stable sort: equal levels keep the questions' order.
  return met.sort((a, b) => b.level - a.level).slice(0, MAX_TRAITS).map(({ trait }) => trait);
}

interface Tasted {
  drink_id: string;
  /** The menu's name for it now, so the reason names what the guest can find on the menu. */
  drink_name: string;
  profile: TasteProfile;
}

/** The guest's past drinks the menu still describes, once each. */
function pastDrinks(history: PastOrder[], drinks: TasteDrink[], table: Readonly<Record<string, Flavour>>): Tasted[] {
  const byId = new Map(drinks.map((drink) => [drink.id, drink]));
  const seen = new Map<string, Tasted>();
  for (const order of history) {
    const drink = byId.get(order.drink_id);
    if (!drink || NOT_TASTED.has(order.status) || seen.has(drink.id)) continue;
    seen.set(drink.id, { drink_id: drink.id, drink_name: drink.name, profile: profileOf(drink.ingredients, table) });
  }
  // Sorted so the named past drink never depends on the order history arrived in.
  return [...seen.values()].sort((a, b) => compareText(a.drink_name, b.drink_name) || compareText(a.drink_id, b.drink_id));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every candidate, best first: available, allowed by the alcohol-free answer. */
export function rankDrinks(input: SuggestInput, table: Readonly<Record<string, Flavour>> = FLAVOURS): Suggestion[] {
  const { answers } = input;
  const past = pastDrinks(input.history, input.drinks, table);
  const ranked: Suggestion[] = [];
  const seen = new Set<string>();
  for (const drink of input.drinks) {
    if (!isAvailable(drink) || seen.has(drink.id)) continue;
    seen.add(drink.id);
    const profile = profileOf(drink.ingredients, table);
    const alcoholFree = isAlcoholFree(drink, profile);
    if (answers.alcohol_free && !alcoholFree) continue;
    let closest: { tasted: Tasted; likeness: number } | undefined;
    for (const tasted of past) {
      const value = likeness(profile, tasted.profile);
      // On a tie the drink itself wins: "you had it before" says more than a look-alike.
      if (!closest || value > closest.likeness || (value === closest.likeness && tasted.drink_id === drink.id)) closest = { tasted, likeness: value };
    }
    const score = answerScore(profile, answers) + HISTORY_WEIGHT * (closest?.likeness ?? 0);
    const reasons: Reason[] = traitsMet(profile, answers, alcoholFree).map((trait) => ({ key: 'trait', params: { trait } }));
    if (closest && closest.likeness >= NOTABLE_LIKENESS) {
      const { tasted } = closest;
      reasons.push(
        tasted.drink_id === drink.id
          ? { key: 'had_before', params: { drink: tasted.drink_name } }
          : { key: 'like_past', params: { drink: tasted.drink_name } },
      );
    }
    if (reasons.length === 0) reasons.push({ key: 'menu_pick', params: {} });
    ranked.push({ drink_id: drink.id, name: drink.name, score, reasons });
  }
  return ranked.sort((a, b) => b.score - a.score || compareText(a.name, b.name) || compareText(a.drink_id, b.drink_id));
}

/** At most three available drinks for these answers, with the reasons to show. */
export function suggestDrinks(input: SuggestInput, table: Readonly<Record<string, Flavour>> = FLAVOURS): Suggestion[] {
  return rankDrinks(input, table).slice(0, SUGGESTION_COUNT);
}
