import type { MenuDrink } from '../../shared/schemas/menu.ts';
import { tasteAnswersSchema, type TasteAnswers } from '../../shared/taste/answers.ts';
import { suggestDrinks, type Suggestion } from '../../shared/taste/engine.ts';
import { db, getMeta, setMeta } from '../lib/db.ts';
import { storedDrinks } from './menu.ts';

/**
 * The guest's taste answers live only on the phone, in the meta table that "Leave the bar"
 * clears (clearGuestData). They leave the phone only inside a chat request the guest sends.
 */
const ANSWERS_KEY = 'taste.answers';

export async function loadAnswers(): Promise<TasteAnswers | undefined> {
  const parsed = tasteAnswersSchema.safeParse(await getMeta<unknown>(ANSWERS_KEY));
  return parsed.success ? parsed.data : undefined;
}

export async function saveAnswers(answers: TasteAnswers): Promise<void> {
  await setMeta(ANSWERS_KEY, answers);
}

export async function forgetAnswers(): Promise<void> {
  await db.meta.delete(ANSWERS_KEY);
}

export interface SuggestionView {
  /** False until a menu was ever saved on this phone. */
  menuLoaded: boolean;
  suggestions: (Suggestion & { drink: MenuDrink })[];
}

/** Three drinks from the saved menu and the orders on this phone: no server needed. */
export async function suggestFromPhone(answers: TasteAnswers): Promise<SuggestionView> {
  const [drinksEntry, orders] = await Promise.all([db.menu.get('drinks'), db.orders.toArray()]);
  // Gaps filled: a drink the list leaves alcohol_free out of is not alcohol-free, not unknown.
  const drinks = storedDrinks(drinksEntry?.data);
  const byId = new Map(drinks.map((drink) => [drink.id, drink]));
  const suggestions = suggestDrinks({ drinks, answers, history: orders });
  return {
    menuLoaded: drinksEntry !== undefined,
    suggestions: suggestions.flatMap((suggestion) => {
      const drink = byId.get(suggestion.drink_id);
      return drink ? [{ ...suggestion, drink }] : [];
    }),
  };
}
