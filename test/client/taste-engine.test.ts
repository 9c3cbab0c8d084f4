import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MENU } from '../../server/menu/default-menu.ts';
import { NO_ANSWERS, tasteAnswersSchema, type TasteAnswers } from '../../shared/taste/answers.ts';
import { FLAVOURS, flavourOf, normaliseIngredient } from '../../shared/taste/flavours.ts';
import { isAvailable, profileOf, rankDrinks, suggestDrinks, type PastOrder, type TasteDrink } from '../../shared/taste/engine.ts';

const KNOWN = Object.keys(FLAVOURS);
const ALCOHOLIC = KNOWN.filter((name) => (FLAVOURS[name]!.strength ?? 0) > 0);

/** A table name as a host might type it: any case, padded and doubled spaces. */
const writtenName = fc
  .tuple(fc.constantFrom(...KNOWN), fc.boolean(), fc.boolean())
  .map(([name, upper, padded]) => {
    const cased = upper ? name.toUpperCase() : name.replace(/\b\w/g, (c) => c.toUpperCase());
    return padded ? `  ${cased.replace(/ /g, '  ')} ` : cased;
  });
const unknownName = fc.constantFrom('Chartreuse verte du moine', 'Mystery syrup', 'Seedlip Garden', 'Yuzu kosho', 'House tincture');
const ingredient = fc.oneof({ arbitrary: writtenName, weight: 5 }, { arbitrary: unknownName, weight: 1 });

const drink: fc.Arbitrary<TasteDrink> = fc.record(
  {
    id: fc.uuid(),
    name: fc.string({ minLength: 1, maxLength: 12 }),
    ingredients: fc.array(ingredient, { maxLength: 6 }),
    is_active: fc.boolean(),
    available: fc.boolean(),
    alcohol_free: fc.boolean(),
  },
  { requiredKeys: ['id', 'name', 'ingredients'] },
);
const menu = fc.uniqueArray(drink, { selector: (d) => d.id, maxLength: 15 });

const answers: fc.Arbitrary<TasteAnswers> = fc.record({
  alcohol_free: fc.boolean(),
  strength: fc.constantFrom('strong' as const, 'light' as const, null),
  sweetness: fc.constantFrom('sweet' as const, 'dry' as const, null),
  sour: fc.constantFrom(true, false, null),
  bitter: fc.constantFrom(true, false, null),
  fizzy: fc.constantFrom(true, false, null),
  creamy: fc.constantFrom(true, false, null),
  fruity: fc.constantFrom(true, false, null),
});

function historyFrom(drinks: TasteDrink[]): fc.Arbitrary<PastOrder[]> {
  const ids = drinks.map((d) => d.id);
  const drinkId = ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), fc.uuid()) : fc.uuid();
  return fc.array(
    fc.record({
      drink_id: drinkId,
      status: fc.constantFrom('queued', 'pending', 'preparing', 'ready', 'served', 'cancelled', 'failed'),
    }),
    { maxLength: 6 },
  );
}
const scene = menu.chain((drinks) => fc.record({ drinks: fc.constant(drinks), answers, history: historyFrom(drinks) }));

describe('the taste engine', () => {
  it('suggests at most three drinks, each an available drink of the current menu, none twice', () => {
    fc.assert(
      fc.property(scene, (input) => {
        const suggestions = suggestDrinks(input);
        expect(suggestions.length).toBeLessThanOrEqual(3);
        expect(new Set(suggestions.map((s) => s.drink_id)).size).toBe(suggestions.length);
        for (const suggestion of suggestions) {
          const onMenu = input.drinks.find((d) => d.id === suggestion.drink_id);
          expect(onMenu).toBeDefined();
          expect(isAvailable(onMenu!)).toBe(true);
          expect(suggestion.reasons.length).toBeGreaterThan(0);
        }
        // Three whenever the menu has three drinks that pass the filters.
        expect(suggestions.length).toBe(Math.min(3, rankDrinks(input).length));
      }),
      { numRuns: 400 },
    );
  });

  it('never returns a drink with an alcoholic or unknown ingredient to an alcohol-free request', () => {
    fc.assert(
      fc.property(scene, (input) => {
        const suggestions = suggestDrinks({ ...input, answers: { ...input.answers, alcohol_free: true } });
        for (const suggestion of suggestions) {
          const onMenu = input.drinks.find((d) => d.id === suggestion.drink_id)!;
          expect(onMenu.alcohol_free).not.toBe(false);
          for (const name of onMenu.ingredients) {
            const flavour = flavourOf(name);
            if (flavour) expect(flavour.strength ?? 0).toBe(0);
            else expect(onMenu.alcohol_free).toBe(true);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('with a "strong" answer, never ranks a weaker drink above a stronger one that is otherwise the same', () => {
    // Vodka adds strength and nothing else: the two drinks differ only in how strong they are.
    const pair = fc.record({ base: fc.array(ingredient, { maxLength: 5 }), extra: fc.constantFrom(...ALCOHOLIC.filter((n) => Object.keys(FLAVOURS[n]!).join() === 'strength')) });
    fc.assert(
      fc.property(menu, pair, answers, fc.uuid(), fc.uuid(), (others, { base, extra }, given, strongId, weakId) => {
        fc.pre(strongId !== weakId && !others.some((d) => d.id === strongId || d.id === weakId));
        const strong: TasteDrink = { id: strongId, name: 'Zz strong', ingredients: [...base, extra] };
        const weak: TasteDrink = { id: weakId, name: 'Aa weak', ingredients: base };
        fc.pre(profileOf(strong.ingredients).strength > profileOf(weak.ingredients).strength);
        const drinks = [...others, weak, strong];
        const history: PastOrder[] = others.slice(0, 3).map((d) => ({ drink_id: d.id, status: 'served' }));
        const ranking = rankDrinks({ drinks, answers: { ...given, alcohol_free: false, strength: 'strong' }, history }).map((s) => s.drink_id);
        expect(ranking.indexOf(strongId)).toBeLessThan(ranking.indexOf(weakId));
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic and does not depend on the order of the menu or of the history', () => {
    fc.assert(
      fc.property(scene, fc.integer(), (input, seed) => {
        const shuffle = <T>(list: T[]) => list.map((item, i) => ({ item, key: (i * 7919 + seed) % 104729 })).sort((a, b) => a.key - b.key).map((x) => x.item);
        const first = suggestDrinks(input);
        expect(suggestDrinks(input)).toEqual(first);
        expect(suggestDrinks({ ...input, drinks: shuffle(input.drinks), history: shuffle(input.history) })).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });

  it('knows every ingredient of the default menu, whatever its case and spacing; unknown names count for nothing', () => {
    for (const section of DEFAULT_MENU) {
      for (const drink of section.drinks) {
        for (const name of drink.ingredients) expect(flavourOf(name), name).toBeDefined();
        for (const { name } of drink.recipe.ingredients) expect(flavourOf(name), name).toBeDefined();
      }
    }
    expect(normaliseIngredient('  Crème  de CASSIS (optional) ')).toBe('creme de cassis');
    expect(profileOf(['Unicorn tears', 'Dragon syrup'])).toEqual({ sweet: 0, sour: 0, bitter: 0, fizzy: 0, creamy: 0, fruity: 0, strength: 0, alcoholic: false, unknown: ['Unicorn tears', 'Dragon syrup'] });
    expect(flavourOf('constructor')).toBeUndefined();
  });

  it('reads the default menu the way a bartender would', () => {
    const drinks = DEFAULT_MENU.flatMap((s) => s.drinks).map((d, i) => ({ id: `d${i}`, name: d.name, ingredients: d.ingredients }));
    const top = (given: Partial<TasteAnswers>, history: PastOrder[] = []) =>
      suggestDrinks({ drinks, answers: tasteAnswersSchema.parse(given), history }).map((s) => s.name);
    const idOf = (name: string) => drinks.find((d) => d.name === name)!.id;
    expect(top({ bitter: true, strength: 'strong' })[0]).toBe('Negroni');
    for (const name of top({ alcohol_free: true })) {
      expect(DEFAULT_MENU.find((s) => s.name === 'Non-alcoholic')!.drinks.map((d) => d.name)).toContain(name);
    }
    expect(top({ creamy: true })).toEqual(expect.arrayContaining(['Eggnog', 'Irish Coffee']));
    const afterNegroni = suggestDrinks({ drinks, answers: tasteAnswersSchema.parse({ bitter: true }), history: [{ drink_id: idOf('Negroni'), status: 'served' }] });
    expect(afterNegroni.find((s) => s.name !== 'Negroni')!.reasons).toContainEqual({ key: 'like_past', params: { drink: 'Negroni' } });
    expect(suggestDrinks({ drinks, answers: NO_ANSWERS, history: [] })).toHaveLength(3);
  });
});
