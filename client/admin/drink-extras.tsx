import { ALLERGENS, allergenName } from '../../shared/allergens.ts';
import { GLASSES, type Glass } from '../../shared/illustration/glasses.ts';
import { illustrationUrl } from '../../shared/illustration/spec.ts';
import type { Recipe } from '../../shared/schemas/menu.ts';
import type { OptionChoice, OptionGroup, OptionGroupInput } from '../../shared/schemas/menu-options.ts';
import { useLocale } from '../i18n/translator.ts';
import type { AdminMessageKey } from './messages.ts';
import { useAdmin } from './admin-context.ts';

/** The glass picker with the drawing as guests will see it, redrawn as the host types. */
export function GlassPicker({
  name,
  glass,
  onGlass,
  ingredients,
  recipe,
  photo,
}: {
  name: string;
  glass: Glass | '';
  onGlass: (glass: Glass | '') => void;
  ingredients: string[];
  recipe: Recipe;
  photo: string | null;
}) {
  const { t } = useAdmin();
  const drawing = illustrationUrl({ glass: glass || null, ingredients, recipe });
  return (
    <div className="row glass-picker">
      <label className="grow">
        {t('menu.drawnGlass')}
        <select value={glass} onChange={(e) => onGlass(e.target.value as Glass | '')}>
          <option value="">{t('menu.glassAuto')}</option>
          {GLASSES.map((id) => (
            <option key={id} value={id}>
              {t(`glass.${id}` as AdminMessageKey)}
            </option>
          ))}
        </select>
      </label>
      {/* The photo wins on the menu; the drawing is what a drink without one shows. */}
      <img src={drawing} alt={t('menu.drawingPreview', { name: name || '…' })} className={`preview drawing${photo ? ' behind-photo' : ''}`} width={96} height={96} data-drawing={drawing} />
    </div>
  );
}

export type AlcoholFreeChoice = '' | 'yes' | 'no';

/** Alcohol-free (or worked out), allergens from the fixed list, ABV. */
export function DietaryFields({
  alcoholFree,
  onAlcoholFree,
  allergens,
  onAllergens,
  abv,
  onAbv,
}: {
  alcoholFree: AlcoholFreeChoice;
  onAlcoholFree: (value: AlcoholFreeChoice) => void;
  allergens: string[];
  onAllergens: (value: string[]) => void;
  abv: string;
  onAbv: (value: string) => void;
}) {
  const { t } = useAdmin();
  const locale = useLocale();
  return (
    <>
      <div className="row">
        <label className="grow">
          {t('menu.alcoholFree')}
          <select value={alcoholFree} onChange={(e) => onAlcoholFree(e.target.value as AlcoholFreeChoice)}>
            <option value="">{t('menu.alcoholFreeAuto')}</option>
            <option value="yes">{t('menu.alcoholFreeYes')}</option>
            <option value="no">{t('menu.alcoholFreeNo')}</option>
          </select>
        </label>
        <label>
          {t('menu.abv')}
          <input type="number" inputMode="decimal" min={0} max={100} step={0.1} value={abv} onChange={(e) => onAbv(e.target.value)} />
        </label>
      </div>
      <fieldset className="allergen-picker">
        <legend>{t('menu.allergens')}</legend>
        {ALLERGENS.map((id) => (
          <label key={id} className="check">
            <input
              type="checkbox"
              checked={allergens.includes(id)}
              onChange={(e) => onAllergens(e.target.checked ? [...allergens, id] : allergens.filter((other) => other !== id))}
            />
            {allergenName(id, locale)}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/**
 * Option groups as text: one group per line, "Ice: None, Normal*, Extra"; "Size!:" is required;
 * what a choice changes in brackets, "Alcohol-free (-Gin, +Alcohol-free gin)".
 */
export function optionLines(groups: OptionGroup[]): string {
  const changes = (choice: OptionChoice) => {
    const parts = [...(choice.removes ?? []).map((name) => `-${name}`), ...(choice.adds ?? []).map((name) => `+${name}`)];
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  return groups
    .map((group) => `${group.name}${group.required ? '!' : ''}: ${group.choices.map((choice) => `${choice.name}${choice.id === group.default ? '*' : ''}${changes(choice)}`).join(', ')}`)
    .join('\n');
}

/** Splits at commas outside brackets: "A, B (-x, +y)" → ["A", "B (-x, +y)"]. */
function splitChoices(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** "Alcohol-free* (-Gin, +Alcohol-free gin)" → its name, whether it is the default, and its changes; a name without a sign is added. */
function parseChoice(text: string): { name: string; isDefault: boolean; adds: string[]; removes: string[] } {
  const open = text.indexOf('(');
  const head = (open >= 0 ? text.slice(0, open) : text).trim();
  const inside = open >= 0 ? text.slice(open + 1).replace(/\)\s*\*?\s*$/, '') : '';
  const isDefault = head.endsWith('*') || /\)\s*\*\s*$/.test(text);
  const adds: string[] = [];
  const removes: string[] = [];
  for (const change of inside.split(',').map((part) => part.trim()).filter(Boolean)) {
    const sign = change[0];
    const name = change.replace(/^[-−+]\s*/, '');
    if (!name) continue;
    if (sign === '-' || sign === '−') removes.push(name);
    else adds.push(name);
  }
  return { name: head.replace(/\*$/, '').trim(), isDefault, adds, removes };
}

/** The lines back into groups; a group or choice whose name is unchanged keeps its id (orders refer to ids). */
export function parseOptionLines(text: string, previous: OptionGroup[]): OptionGroupInput[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(':'))
    .map((line) => {
      const colon = line.indexOf(':');
      let name = line.slice(0, colon).trim();
      const required = name.endsWith('!');
      if (required) name = name.slice(0, -1).trim();
      const before = previous.find((group) => group.name.toLowerCase() === name.toLowerCase());
      let fallback: string | null = null;
      const choices = splitChoices(line.slice(colon + 1)).map((part) => {
        const choice = parseChoice(part);
        if (choice.isDefault) fallback = choice.name;
        const known = before?.choices.find((candidate) => candidate.name.toLowerCase() === choice.name.toLowerCase());
        return {
          ...(known ? { id: known.id } : {}),
          name: choice.name,
          ...(choice.adds.length > 0 ? { adds: choice.adds } : {}),
          ...(choice.removes.length > 0 ? { removes: choice.removes } : {}),
        };
      });
      return { ...(before ? { id: before.id } : {}), name, required, default: fallback, choices };
    });
}
