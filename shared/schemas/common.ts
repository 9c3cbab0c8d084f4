import { z } from 'zod';

/**
 * Any string that PostgreSQL stores as text: it refuses NUL outright (a 500 if it got that
 * far), and an unpaired surrogate would silently come back as U+FFFD.
 */
export function storableString(max: number) {
  return z.string().max(max).refine((value) => !/[\u0000\p{Cs}]/u.test(value), { message: 'must not contain NUL or unpaired surrogates' });
}

/** Trimmed, NFC-normalised text with no control characters (Unicode category Cc) or unpaired surrogates. */
export function cleanText(min: number, max: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .refine((value) => !/[\p{Cc}\p{Cs}]/u.test(value), { message: 'must not contain control characters' })
    .refine((value) => [...value].length >= min && [...value].length <= max, {
      message: `must be ${min}–${max} characters`,
    });
}
