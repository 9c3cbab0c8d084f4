import { z } from 'zod';
import { cleanText, storableString } from './common.ts';

/** A guest's display name: NFC, trimmed, 2–50 code points, no control characters. */
const guestUsername = cleanText(2, 50);

/** POST /api/register (the code travels in the X-Registration-Code header). */
export const registerBody = z.strictObject({
  // The length cap only bounds the work; the real rule is guestUsername (400 invalid_username).
  username: z.string().max(1000),
});
/** The name rule applied to a well-formed register body; off it is 400 invalid_username. */
export const registerUsername = z.object({ username: guestUsername });

/** POST /api/auth/refresh and POST /api/auth/logout. */
export const refreshTokenBody = z.strictObject({
  refresh_token: z.string().min(1).max(4096),
});

export const guestUser = z.strictObject({ user_key: z.uuid(), username: z.string() });

export const registerResponse = z.strictObject({
  user: guestUser,
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
});
export type RegisterResponse = z.infer<typeof registerResponse>;

export const refreshResponse = z.strictObject({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
});
export type RefreshResponse = z.infer<typeof refreshResponse>;

const MAX_CODE_HOURS = 24 * 365;

/** POST /api/admin/registration-codes: give expires_at or expires_in_hours (or neither: 24 h). */
export const createRegistrationCodeBody = z
  .strictObject({
    expires_at: z.iso.datetime({ offset: true }).optional(),
    expires_in_hours: z.number().positive().max(MAX_CODE_HOURS).optional(),
    max_uses: z.number().int().min(1).max(10_000),
    notes: storableString(500).nullable().optional(),
  })
  .refine((body) => body.expires_at === undefined || body.expires_in_hours === undefined, {
    message: 'give expires_at or expires_in_hours, not both',
    path: ['expires_at'],
  })
  .refine((body) => body.expires_at === undefined || Date.parse(body.expires_at) > Date.now(), {
    message: 'must be in the future',
    path: ['expires_at'],
  });
export type CreateRegistrationCodeBody = z.infer<typeof createRegistrationCodeBody>;

export const registrationCode = z.strictObject({
  code: z.uuid(),
  created_at: z.string(),
  expires_at: z.string(),
  max_uses: z.number(),
  use_count: z.number(),
  notes: z.string().nullable(),
  join_url: z.string(),
  revoked: z.boolean(),
});
export type RegistrationCode = z.infer<typeof registrationCode>;

export const adminGuest = z.strictObject({
  user_key: z.uuid(),
  username: z.string(),
  created_at: z.string(),
  last_login: z.string().nullable(),
  is_active: z.boolean(),
  revoked_at: z.string().nullable(),
  active_orders: z.number(),
});
export type AdminGuest = z.infer<typeof adminGuest>;
