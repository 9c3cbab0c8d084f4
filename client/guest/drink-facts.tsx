import { useId, useState } from 'react';
import type { MenuDrink } from '../../shared/schemas/menu.ts';
import type { ListedOptionGroup, OrderOption } from '../../shared/schemas/menu-options.ts';
import { allergenName } from '../../shared/allergens.ts';
import { partlyOut } from '../../shared/option-stock.ts';
import { useLocale } from '../i18n/translator.ts';
import { useT } from './i18n.ts';

/** Whether a guest can order it now. */
export function isAvailable(drink: MenuDrink): boolean {
  return drink.is_active && drink.available;
}

/** Alcohol-free, ABV, allergens and, while it cannot be ordered, why: the facts under a drink's name. */
export function DrinkFacts({ drink }: { drink: MenuDrink }) {
  const t = useT();
  const locale = useLocale();
  const allergens = drink.allergens;
  const partly = partlyOut(drink);
  return (
    <>
      {drink.unavailable_reason && <p className="unavailable-reason">{t('menu.outOf', { ingredient: drink.unavailable_reason.toLowerCase() })}</p>}
      {partly && (
        <p className="choice-note" data-partly-out>
          {partly.left.length === 1
            ? t('menu.onlyChoice', { choice: partly.left[0]!, ingredient: partly.ingredient.toLowerCase() })
            : t('menu.someChoicesOut', { ingredient: partly.ingredient.toLowerCase() })}
        </p>
      )}
      {(drink.alcohol_free || (drink.abv !== null && drink.abv !== undefined && drink.abv > 0)) && (
        <p className="facts">
          {drink.alcohol_free ? <span className="badge badge-zero">{t('menu.alcoholFree')}</span> : <span className="badge">{t('menu.abv', { abv: drink.abv ?? 0 })}</span>}
        </p>
      )}
      {allergens.length > 0 && (
        <p className="allergens">{t('menu.allergens', { list: allergens.map((id) => allergenName(id, locale)).join(', ') })}</p>
      )}
    </>
  );
}

/**
 * Each option group as one row of large one-tap choices (a radiogroup named after the group). A
 * choice that cannot be made now stays in its place, greyed and disabled, with the reason under
 * the row (and as its description).
 */
export function OptionChoices({
  groups,
  chosen,
  missing,
  onChoose,
}: {
  groups: ListedOptionGroup[];
  chosen: Record<string, string>;
  missing: string | null;
  onChoose: (groupId: string, choiceId: string) => void;
}) {
  const t = useT();
  const base = useId();
  return (
    <>
      {groups.map((group) => {
        const labelId = `${base}-${group.id}`;
        const out = group.choices.filter((choice) => choice.available === false);
        return (
          <div key={group.id} className="option-group">
            <span id={labelId} className="option-label">
              {group.name}
              {group.required && <span aria-hidden="true"> *</span>}
            </span>
            <div role="radiogroup" aria-labelledby={labelId} aria-required={group.required || undefined} className="choices">
              {group.choices.map((choice) => {
                const isOut = choice.available === false;
                return (
                  <label key={choice.id} className={`choice${chosen[group.id] === choice.id ? ' chosen' : ''}${isOut ? ' out' : ''}`} data-choice-id={choice.id} data-available={String(!isOut)}>
                    <input
                      type="radio"
                      name={`${base}-${group.id}`}
                      value={choice.id}
                      checked={chosen[group.id] === choice.id}
                      disabled={isOut}
                      aria-describedby={isOut ? `${labelId}-${choice.id}-out` : undefined}
                      onChange={() => onChoose(group.id, choice.id)}
                    />
                    <span>{choice.name}</span>
                  </label>
                );
              })}
            </div>
            {out.map((choice) => (
              <p key={choice.id} id={`${labelId}-${choice.id}-out`} className="choice-note">
                {t('sheet.choiceOut', { choice: choice.name, ingredient: (choice.unavailable_reason ?? '').toLowerCase() })}
              </p>
            ))}
            {missing === group.id && <p role="alert" className="error">{t('sheet.choose', { group: group.name })}</p>}
          </div>
        );
      })}
    </>
  );
}

/**
 * The choices a fresh order sheet starts with: the host's default, or, while it cannot be made,
 * the first choice that can (the alcohol-free one while the gin is out).
 */
export function defaultChoices(groups: ListedOptionGroup[]): Record<string, string> {
  const start: Record<string, string> = {};
  for (const group of groups) {
    const fallback = group.choices.find((choice) => choice.id === group.default);
    if (!fallback) continue;
    const possible = fallback.available === false ? group.choices.find((choice) => choice.available !== false) : fallback;
    if (possible) start[group.id] = possible.id;
  }
  return start;
}

/**
 * What a one-tap order (a suggestion, the bartender's proposal) is placed with: the sheet's
 * starting choices, so while the gin is out it is the alcohol-free one, not the default the bar
 * would refuse. A required group without a default is left to the server to ask about.
 */
export function startingOptions(drink: Pick<MenuDrink, 'options'>): OrderOption[] {
  const options = chosenOptions(drink.options, defaultChoices(drink.options));
  return 'missing' in options ? [] : options;
}

/** The choices as an order carries them (names included, so a queued order shows them offline); or the first required group left open. */
export function chosenOptions(groups: ListedOptionGroup[], chosen: Record<string, string>): OrderOption[] | { missing: string } {
  const options: OrderOption[] = [];
  for (const group of groups) {
    const choice = group.choices.find((candidate) => candidate.id === chosen[group.id]);
    if (!choice) {
      if (group.required) return { missing: group.id };
      continue;
    }
    options.push({ group_id: group.id, group: group.name, choice_id: choice.id, choice: choice.name });
  }
  return options;
}

/**
 * What an order sheet holds of a drink's option groups: the choices (the drink's defaults to
 * start), and the required group a submit found unanswered (marked until it is answered).
 */
export function useOptionChoices(groups: ListedOptionGroup[]) {
  const [chosen, setChosen] = useState(() => defaultChoices(groups));
  const [missing, setMissing] = useState<string | null>(null);
  return {
    chosen,
    missing,
    choose(groupId: string, choiceId: string) {
      setChosen((current) => ({ ...current, [groupId]: choiceId }));
      setMissing((current) => (current === groupId ? null : current));
    },
    /** Starts over with another drink's groups (the walk-up sheet switches drinks). */
    reset(next: ListedOptionGroup[]) {
      setChosen(defaultChoices(next));
      setMissing(null);
    },
    /** The options to send, or null after marking the first required group left open. */
    check(): OrderOption[] | null {
      const options = chosenOptions(groups, chosen);
      if (!('missing' in options)) return options;
      setMissing(options.missing);
      return null;
    },
  };
}

/** "Ice: none · Size: double", for a guest's order. */
export function optionsText(options: OrderOption[] | undefined): string {
  return (options ?? []).map((option) => `${option.group}: ${option.choice}`).join(' · ');
}
