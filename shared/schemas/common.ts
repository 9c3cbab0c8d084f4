import { z } from 'zod';

export const uuid = z.uuid();
export const isoTimestamp = z.string();

/** The error envelope every failing answer carries. */
export const errorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

/** Trimmed, NFC-normalised text with no control characters (Unicode category Cc). */
export function cleanText(min: number, max: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .refine((value) => !/\p{Cc}/u.test(value), { message: 'must not contain control characters' })
    .refine((value) => [...value].length >= min && [...value].length <= max, {
      message: `must be ${min}–${max} characters`,
    });
}
