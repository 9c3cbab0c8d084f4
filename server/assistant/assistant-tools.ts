import type { DrinkWithRecipe, Section } from '../../shared/schemas/menu.ts';
import type { ChatProposal } from '../../shared/schemas/assistant.ts';
import { NO_ANSWERS, tasteAnswersSchema, type TasteAnswers } from '../../shared/taste/answers.ts';
import { isAlcoholFree, isAvailable, profileOf, rankDrinks, type PastOrder, type Reason } from '../../shared/taste/engine.ts';
import { normaliseIngredient } from '../../shared/taste/flavours.ts';
import type { LlmTool } from './llm-client.ts';

/**
 * The only way the model reaches the bar: these tools, answered by the server from the real
 * menu and the guest's own orders. Nothing else about the bar or other guests is reachable.
 */
export const ASSISTANT_TOOLS: LlmTool[] = [
  {
    type: 'function',
    function: {
      name: 'list_available_drinks',
      description: 'The drinks that can be ordered right now, with their ingredients, whether they are alcohol-free and how strong they are.',
      parameters: { type: 'object', properties: {} },
    },
  },
  {
    type: 'function',
    function: {
      name: 'drink_details',
      description: 'Everything about one drink of the menu: description, recipe, garnish, glass, taste.',
      parameters: {
        type: 'object',
        properties: { drink_id: { type: 'string', description: 'The id from list_available_drinks' }, drink_name: { type: 'string' } },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'past_orders',
      description: 'What this guest has ordered tonight, newest first.',
      parameters: { type: 'object', properties: {} },
    },
  },
  {
    type: 'function',
    function: {
      name: 'suggest_drinks',
      description: "The bar's own three suggestions for a taste, from the menu and the guest's past orders. Every field is optional; the guest's saved answers fill in the rest.",
      parameters: {
        type: 'object',
        properties: {
          alcohol_free: { type: 'boolean' },
          strength: { type: 'string', enum: ['strong', 'light'] },
          sweetness: { type: 'string', enum: ['sweet', 'dry'] },
          sour: { type: 'boolean' },
          bitter: { type: 'boolean' },
          fizzy: { type: 'boolean' },
          creamy: { type: 'boolean' },
          fruity: { type: 'boolean' },
        },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'propose_order',
      description: 'Offer the guest one drink of the menu to order; the guest confirms with a tap. Only drinks from list_available_drinks can be offered.',
      parameters: {
        type: 'object',
        properties: { drink_id: { type: 'string' }, drink_name: { type: 'string' } },
      },
    },
  },
];

export interface GuestOrderSummary extends PastOrder {
  drink_name: string;
  created_at: string;
}

export interface ToolContext {
  drinks: DrinkWithRecipe[];
  sections: Section[];
  orders: GuestOrderSummary[];
  answers: TasteAnswers | undefined;
  /** Called for each valid proposal; the service sends it to the guest. */
  propose(proposal: ChatProposal): void;
}

const STRENGTH_WORDS = ['none', 'light', 'medium', 'strong'] as const;

function describeReason(reason: Reason): string {
  switch (reason.key) {
    case 'trait':
      return reason.params.trait.replace('_', '-');
    case 'like_past':
      return `like the ${reason.params.drink} the guest had`;
    case 'had_before':
      return 'the guest had it before';
    case 'menu_pick':
      return 'a good pick from the menu';
  }
}

function objectArgs(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A drink the model means, by id or by exact name (small models often use names); available ones only. */
function findAvailable(ctx: ToolContext, args: Record<string, unknown>): DrinkWithRecipe | undefined {
  const available = ctx.drinks.filter(isAvailable);
  const id = args.drink_id;
  if (typeof id === 'string') {
    const byId = available.find((drink) => drink.id === id.trim().toLowerCase());
    if (byId) return byId;
  }
  const name = typeof args.drink_name === 'string' ? args.drink_name : typeof args.drink_id === 'string' ? args.drink_id : undefined;
  if (!name) return undefined;
  const wanted = normaliseIngredient(name);
  return available.find((drink) => normaliseIngredient(drink.name) === wanted);
}

/** The guest's saved answers, with whatever valid answers the model adds for this question. */
function mergeAnswers(saved: TasteAnswers | undefined, args: Record<string, unknown>): TasteAnswers {
  const merged: Record<string, unknown> = { ...(saved ?? NO_ANSWERS) };
  const shape = tasteAnswersSchema.shape;
  for (const [key, value] of Object.entries(args)) {
    if (!Object.hasOwn(shape, key)) continue;
    const field = shape[key as keyof typeof shape].safeParse(value);
    if (field.success) merged[key] = field.data;
  }
  return tasteAnswersSchema.parse(merged);
}

const NOT_ON_MENU = { error: 'not_on_menu', message: 'No such drink is available tonight. Only drinks from list_available_drinks exist.' };

/** Runs one tool call; the answer is JSON text for the model. */
export function runTool(name: string, rawArgs: string, ctx: ToolContext): string {
  const args = objectArgs(rawArgs);
  const sectionName = new Map(ctx.sections.map((section) => [section.id, section.name]));
  switch (name) {
    case 'list_available_drinks':
      return JSON.stringify({
        drinks: ctx.drinks.filter(isAvailable).map((drink) => {
          const profile = profileOf(drink.ingredients);
          return {
            id: drink.id,
            name: drink.name,
            section: sectionName.get(drink.section_id) ?? null,
            ingredients: drink.ingredients,
            alcohol_free: isAlcoholFree(drink, profile),
            strength: STRENGTH_WORDS[profile.strength],
          };
        }),
      });
    case 'drink_details': {
      const drink = findAvailable(ctx, args);
      if (!drink) return JSON.stringify(NOT_ON_MENU);
      const profile = profileOf(drink.ingredients);
      return JSON.stringify({
        id: drink.id,
        name: drink.name,
        description: drink.description,
        ingredients: drink.recipe.ingredients.length > 0 ? drink.recipe.ingredients : drink.ingredients.map((ingredient) => ({ name: ingredient, amount: '' })),
        garnish: drink.recipe.garnish ?? null,
        glass: drink.recipe.glassware ?? null,
        alcohol_free: isAlcoholFree(drink, profile),
        strength: STRENGTH_WORDS[profile.strength],
        taste: { sweet: profile.sweet, sour: profile.sour, bitter: profile.bitter, fizzy: profile.fizzy, creamy: profile.creamy, fruity: profile.fruity },
      });
    }
    case 'past_orders':
      return JSON.stringify({ orders: ctx.orders.slice(0, 20).map((order) => ({ drink: order.drink_name, status: order.status, ordered_at: order.created_at })) });
    case 'suggest_drinks': {
      const answers = mergeAnswers(ctx.answers, args);
      const ranked = rankDrinks({ drinks: ctx.drinks, answers, history: ctx.orders }).slice(0, 3);
      return JSON.stringify({ suggestions: ranked.map((s) => ({ drink_id: s.drink_id, name: s.name, why: s.reasons.map(describeReason) })) });
    }
    case 'propose_order': {
      const drink = findAvailable(ctx, args);
      if (!drink) return JSON.stringify(NOT_ON_MENU);
      ctx.propose({ drink_id: drink.id, name: drink.name });
      return JSON.stringify({ proposed: drink.name, note: 'The guest sees a button to order it; do not say it is ordered.' });
    }
    default:
      return JSON.stringify({ error: 'unknown_tool', message: `There is no tool named ${name}.` });
  }
}
