import { z } from 'zod';

/**
 * The guest's answers to "What should I drink?". Every question may be left unanswered (null):
 * a preference (true: I want it, false: rather not) or nothing. `alcohol_free` is the one hard
 * filter: with it, only drinks known to hold no alcohol are suggested.
 */
const preference = z.boolean().nullable().default(null);

export const tasteAnswersSchema = z.strictObject({
  alcohol_free: z.boolean().default(false),
  strength: z.enum(['strong', 'light']).nullable().default(null),
  sweetness: z.enum(['sweet', 'dry']).nullable().default(null),
  sour: preference,
  bitter: preference,
  fizzy: preference,
  creamy: preference,
  fruity: preference,
});
export type TasteAnswers = z.infer<typeof tasteAnswersSchema>;

export const NO_ANSWERS: TasteAnswers = tasteAnswersSchema.parse({});

/** The questions in the order the guest meets them. */
export const TASTE_QUESTIONS = ['alcohol_free', 'strength', 'sweetness', 'sour', 'bitter', 'fizzy', 'creamy', 'fruity'] as const;
export type TasteQuestion = (typeof TASTE_QUESTIONS)[number];
