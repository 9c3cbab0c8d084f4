/**
 * Which of a drink's choices can be made while ingredients are out (issue 19). A choice may add
 * ingredients and do without some of the drink's own; a combination of choices (one per group,
 * or none where a group may be left out) can be made when nothing it needs is out. The
 * database refuses an order by the same rule (needed_ingredients() in migration 0021);
 * test/server/menu-option-stock.test.ts checks the two agree on every combination.
 */

/** An out-of-stock ingredient a drink may need, as drink_shortages() (migration 0021) reports it. */
export interface Shortage {
  /** The shelf's name for it. */
  name: string;
  /** The drink lists it itself. */
  base: boolean;
  /** Choices ("<group id>=<choice id>") that add it, and that do without it. */
  added_by: string[];
  removed_by: string[];
}

/** The few facts about a group this needs. */
export interface StockGroup {
  id: string;
  required?: boolean;
  default?: string | null;
  choices: { id: string }[];
}

export interface StockAnswer {
  /** Some combination can be made. */
  available: boolean;
  /** When none can: the ingredient the combination a guest would start from lacks. */
  reason: string | null;
  /** Every choice no combination can be made with ("<group id>=<choice id>" → the ingredient it lacks). */
  outChoices: Map<string, string>;
}

/** One group's possible picks: a choice id, or null for "left out" where that means no choice. */
function picks(group: StockGroup): (string | null)[] {
  const ids = group.choices.map((choice) => choice.id);
  // A group left out takes its default; only an optional group without one can stay empty.
  const natural = group.default ?? (group.required ? undefined : null);
  return natural === undefined ? ids : [natural, ...ids.filter((id) => id !== natural)];
}

const key = (groupId: string, choiceId: string) => `${groupId}=${choiceId}`;

/** The first shortage a full combination still needs, or undefined when it can be made. */
function firstMissing(shortages: Shortage[], chosen: Set<string>): Shortage | undefined {
  return shortages.find(
    (shortage) => (shortage.base || shortage.added_by.some((c) => chosen.has(c))) && !shortage.removed_by.some((c) => chosen.has(c)),
  );
}

/**
 * Whether the groups can be completed, with `fixed` picks for some of them, into a combination
 * that can be made. Walks the groups keeping each distinct state (per shortage: added, removed)
 * once, so the work grows with the shortages involved, not with the number of combinations.
 */
function canComplete(groups: StockGroup[], shortages: Shortage[], fixed: Map<string, string | null>): boolean {
  const start = shortages.map((shortage) => (shortage.base ? 'a' : '-')).join('');
  let states = new Set([start]);
  for (const group of groups) {
    const options = fixed.has(group.id) ? [fixed.get(group.id)!] : picks(group);
    const next = new Set<string>();
    for (const state of states) {
      for (const pick of options) {
        if (pick === null) {
          next.add(state);
          continue;
        }
        const choice = key(group.id, pick);
        next.add(
          shortages
            .map((shortage, i) => {
              if (state[i] === 'r' || shortage.removed_by.includes(choice)) return 'r';
              return shortage.added_by.includes(choice) ? 'a' : state[i]!;
            })
            .join(''),
        );
      }
    }
    states = next;
  }
  return [...states].some((state) => !state.includes('a'));
}

/** What each choice and the drink as a whole can be while `shortages` are out. */
export function stockAnswer(groups: StockGroup[], shortages: Shortage[] | null): StockAnswer {
  if (!shortages || shortages.length === 0) return { available: true, reason: null, outChoices: new Map() };
  // The picks a guest starts from: the host's default (or none) where it can still be made, else
  // the first choice that can; group by group, so the whole can be made whenever anything can.
  const start = new Map<string, string | null>();
  for (const group of groups) {
    const candidates = picks(group);
    const pick = candidates.find((candidate) => canComplete(groups, shortages, new Map([...start, [group.id, candidate]])));
    start.set(group.id, pick === undefined ? (candidates[0] ?? null) : pick);
  }
  const lacking = (picked: Map<string, string | null>) => {
    const chosen = new Set([...picked].filter(([, choice]) => choice !== null).map(([group, choice]) => key(group, choice!)));
    return firstMissing(shortages, chosen)?.name ?? null;
  };
  const reason = lacking(start);
  const outChoices = new Map<string, string>();
  for (const group of groups) {
    for (const choice of group.choices) {
      const picked = new Map([...start, [group.id, choice.id]]);
      if (canComplete(groups, shortages, new Map([[group.id, choice.id]]))) continue;
      outChoices.set(key(group.id, choice.id), lacking(picked) ?? '');
    }
  }
  return { available: reason === null, reason, outChoices };
}

/** The few facts about a drink partlyOut() needs, from any view of it. */
interface ChoicesView {
  is_active: boolean;
  available: boolean;
  options: { choices: { name: string; available?: false; unavailable_reason?: string }[] }[];
}

/**
 * While a drink can be made but not every way (the gin is out, the alcohol-free choice is not):
 * the first group with a choice out, the choices left in it, and the missing ingredient.
 */
export function partlyOut(drink: ChoicesView): { left: string[]; ingredient: string } | undefined {
  if (!drink.is_active || !drink.available) return undefined;
  for (const group of drink.options) {
    const out = group.choices.find((choice) => choice.available === false);
    if (out) return { left: group.choices.filter((choice) => choice.available !== false).map((choice) => choice.name), ingredient: out.unavailable_reason ?? '' };
  }
  return undefined;
}
