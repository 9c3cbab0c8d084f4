import { z } from 'zod';
import { cleanText } from './common.ts';

/**
 * Option groups on a drink ("Ice: none / normal / extra") and the choices a guest sends with
 * an order. Ids are short slugs made from the names when the host leaves them out, so they
 * stay readable in order views and stable while the names stay.
 */
const optionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1–40 lower-case letters, digits or dashes');

/**
 * A choice as stored and shown to the host. `adds`: ingredients it needs beyond the drink's own
 * list ("Alcohol-free gin"); `removes`: the drink's own it does without ("Gin"). Either is left
 * out when empty. While an ingredient it needs is out of stock, every view adds
 * `"available": false` and the ingredient as `unavailable_reason` (shared/option-stock.ts).
 */
export const optionChoiceSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  adds: z.array(z.string()).optional(),
  removes: z.array(z.string()).optional(),
  available: z.literal(false).optional(),
  unavailable_reason: z.string().optional(),
});
export type OptionChoice = z.infer<typeof optionChoiceSchema>;
export const optionGroupSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  required: z.boolean(),
  default: z.string().nullable(),
  choices: z.array(optionChoiceSchema),
});
export type OptionGroup = z.infer<typeof optionGroupSchema>;

/**
 * A group as the guests' menu list (GET /api/drinks) carries it: whole, its choices with their
 * availability but without `adds`/`removes` (the bar's business, like the recipe; in
 * GET /api/drinks/:id and the host's views).
 */
export const listedOptionGroupSchema = optionGroupSchema.extend({
  choices: z.array(optionChoiceSchema.omit({ adds: true, removes: true })),
});
export type ListedOptionGroup = z.infer<typeof listedOptionGroupSchema>;

const ingredientNames = z.array(cleanText(1, 100)).max(10);

/** What the host sends: ids optional; `default` names a choice by id or by name. */
export const optionGroupInput = z.strictObject({
  id: optionId.optional(),
  name: cleanText(1, 40),
  required: z.boolean().optional(),
  default: cleanText(0, 40).nullable().optional(),
  choices: z
    .array(z.strictObject({ id: optionId.optional(), name: cleanText(1, 40), adds: ingredientNames.optional(), removes: ingredientNames.optional() }))
    .min(1)
    .max(8),
});
export const optionGroupsInput = z.array(optionGroupInput).max(6);
export type OptionGroupInput = z.infer<typeof optionGroupInput>;

export function slug(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return folded || 'option';
}

function unique(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base.slice(0, 36)}-${n}`;
  taken.add(id);
  return id;
}

/**
 * Loose sameness for the host's own lists (a name typed twice in one choice); the shelf and the
 * orders compare with the database's ingredient_key() (migration 0013).
 */
function sameIngredient(a: string, b: string): boolean {
  const fold = (name: string) => name.replace(/\s+/g, ' ').toLowerCase();
  return fold(a) === fold(b);
}

function distinctNames(names: string[]): string[] {
  return names.filter((name, index) => names.findIndex((other) => sameIngredient(name, other)) === index);
}

/** The groups as stored: ids filled in and unique, the default resolved to a choice id, empty changes left out; or the problem. */
export function normaliseOptionGroups(input: OptionGroupInput[]): OptionGroup[] | { problem: string } {
  const groupIds = new Set<string>();
  const groups: OptionGroup[] = [];
  for (const group of input) {
    if (group.id && groupIds.has(group.id)) return { problem: `Two option groups share the id "${group.id}".` };
    const id = unique(group.id ?? slug(group.name), groupIds);
    const choiceIds = new Set<string>();
    const choices: OptionChoice[] = [];
    for (const choice of group.choices) {
      if (choice.id && choiceIds.has(choice.id)) return { problem: `Two choices of "${group.name}" share the id "${choice.id}".` };
      const adds = distinctNames(choice.adds ?? []);
      const removes = distinctNames(choice.removes ?? []);
      const both = adds.find((name) => removes.some((other) => sameIngredient(name, other)));
      if (both) return { problem: `"${choice.name}" of "${group.name}" cannot both add and remove ${both}.` };
      choices.push({
        id: unique(choice.id ?? slug(choice.name), choiceIds),
        name: choice.name,
        ...(adds.length > 0 ? { adds } : {}),
        ...(removes.length > 0 ? { removes } : {}),
      });
    }
    let fallback: string | null = null;
    if (group.default) {
      const wanted = group.default;
      const found = choices.find((choice) => choice.id === wanted || choice.name.toLowerCase() === wanted.toLowerCase());
      if (!found) return { problem: `The default of "${group.name}" is not one of its choices.` };
      fallback = found.id;
    }
    groups.push({ id, name: group.name, required: group.required ?? false, default: fallback, choices });
  }
  return groups;
}

/** POST /api/orders `options`: group id → choice id. */
export const orderOptionsInput = z.record(z.string().max(40), z.string().max(40)).refine((value) => Object.keys(value).length <= 10, {
  message: 'at most 10 option groups',
});
export type OrderOptionsInput = z.infer<typeof orderOptionsInput>;

/** An order's chosen options, with the names as they were when it was placed. */
export const orderOptionSchema = z.strictObject({ group_id: z.string(), group: z.string(), choice_id: z.string(), choice: z.string() });
export type OrderOption = z.infer<typeof orderOptionSchema>;

/**
 * Checks a guest's choices against the drink's groups: unknown groups or choices and missing
 * required groups are refused; a group left out takes its default. Returns the resolved
 * options in the drink's group order, or the problem.
 */
export function resolveOrderOptions(groups: OptionGroup[], chosen: OrderOptionsInput): OrderOption[] | { problem: string } {
  for (const groupId of Object.keys(chosen)) {
    if (!groups.some((group) => group.id === groupId)) return { problem: `This drink has no option "${groupId}".` };
  }
  const resolved: OrderOption[] = [];
  for (const group of groups) {
    const choiceId = chosen[group.id];
    if (choiceId === undefined) {
      if (group.required) return { problem: `Choose ${group.name}.` };
      const fallback = group.choices.find((choice) => choice.id === group.default);
      if (fallback) resolved.push({ group_id: group.id, group: group.name, choice_id: fallback.id, choice: fallback.name });
      continue;
    }
    const choice = group.choices.find((candidate) => candidate.id === choiceId);
    if (!choice) return { problem: `"${choiceId}" is not a choice of ${group.name}.` };
    resolved.push({ group_id: group.id, group: group.name, choice_id: choice.id, choice: choice.name });
  }
  return resolved;
}
