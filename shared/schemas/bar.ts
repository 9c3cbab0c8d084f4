import { z } from 'zod';
import { cleanText } from './common.ts';

export const BAR_STATUSES = ['open', 'last_call', 'closed'] as const;
export const barStatus = z.enum(BAR_STATUSES);
export type BarStatus = z.infer<typeof barStatus>;

/** GET /api/bar → {bar}; PUT /api/admin/bar answers the same. */
export const barSchema = z.strictObject({
  status: barStatus,
  message: z.string().nullable(),
  closes_at: z.string().nullable(),
});
export type Bar = z.infer<typeof barSchema>;
export const barResponse = z.strictObject({ bar: barSchema });

/**
 * PUT /api/admin/bar: any of the fields. A status change without a message or closing time
 * clears them (a reopened bar must not keep saying "last call at 2").
 */
export const updateBarBody = z
  .strictObject({
    status: barStatus.optional(),
    message: cleanText(0, 200)
      .transform((value) => (value === '' ? null : value))
      .nullable()
      .optional(),
    closes_at: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of status, message, closes_at' });
export type UpdateBarBody = z.infer<typeof updateBarBody>;
