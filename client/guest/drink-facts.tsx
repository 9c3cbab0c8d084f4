import { useId } from 'react';
import type { Drink } from '../../shared/schemas/menu.ts';
import type { OptionGroup, OrderOption } from '../../shared/schemas/menu-options.ts';
import { allergenName } from '../../shared/allergens.ts';
import { useLocale } from '../i18n/translator.ts';
import { useT } from './i18n.ts';

/** Whether a guest can order it now (copies stored before issue 19 have no `available`). */
export function isAvailable(drink: Drink): boolean {
  return drink.is_active && drink.available !== false;
}

/** Alcohol-free, ABV, allergens and, while it cannot be ordered, why: the facts under a drink's name. */
export function DrinkFacts({ drink }: { drink: Drink }) {
  const t = useT();
  const locale = useLocale();
  const allergens = drink.allergens ?? [];
  return (
    <>
      {drink.unavailable_reason && <p className="unavailable-reason">{t('menu.outOf', { ingredient: drink.unavailable_reason.toLowerCase() })}</p>}
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

/** Each option group as one row of large one-tap choices (a radiogroup named after the group). */
export function OptionChoices({
  groups,
  chosen,
  missing,
  onChoose,
}: {
  groups: OptionGroup[];
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
        return (
          <div key={group.id} className="option-group">
            <span id={labelId} className="option-label">
              {group.name}
              {group.required && <span aria-hidden="true"> *</span>}
            </span>
            <div role="radiogroup" aria-labelledby={labelId} aria-required={group.required || undefined} className="choices">
              {group.choices.map((choice) => (
                <label key={choice.id} className={`choice${chosen[group.id] === choice.id ? ' chosen' : ''}`}>
                  <input type="radio" name={`${base}-${group.id}`} value={choice.id} checked={chosen[group.id] === choice.id} onChange={() => onChoose(group.id, choice.id)} />
                  <span>{choice.name}</span>
                </label>
              ))}
            </div>
            {missing === group.id && <p role="alert" className="error">{t('sheet.choose', { group: group.name })}</p>}
          </div>
        );
      })}
    </>
  );
}

/** The defaults a fresh order sheet starts with. */
export function defaultChoices(groups: OptionGroup[]): Record<string, string> {
  return Object.fromEntries(groups.filter((group) => group.default).map((group) => [group.id, group.default as string]));
}

/** The choices as an order carries them (names included, so a queued order shows them offline); or the first required group left open. */
export function chosenOptions(groups: OptionGroup[], chosen: Record<string, string>): OrderOption[] | { missing: string } {
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

/** "Ice: none · Size: double", for a guest's order. */
export function optionsText(options: OrderOption[] | undefined): string {
  return (options ?? []).map((option) => `${option.group}: ${option.choice}`).join(' · ');
}
