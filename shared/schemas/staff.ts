import { z } from 'zod';
import { cleanText } from './common.ts';

/** POST /api/admin/staff-passes */
export const createStaffPassBody = z.strictObject({
  expires_in_hours: z.number().positive().max(24 * 7),
  max_uses: z.number().int().min(1).max(100).optional(),
  notes: cleanText(0, 200).nullable().optional(),
});
export type CreateStaffPassBody = z.infer<typeof createStaffPassBody>;

/**
 * A pass as the host sees it. `pass` is its id (to list and revoke it); the secret the helper
 * scans is only in `join_url` and `qr_svg`, and only in the answer that created it: it is
 * stored as a hash.
 */
export const staffPassSchema = z.strictObject({
  pass: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  max_uses: z.number(),
  use_count: z.number(),
  notes: z.string().nullable(),
  join_url: z.string().nullable(),
  qr_svg: z.string().optional(),
  revoked: z.boolean(),
});
export type StaffPass = z.infer<typeof staffPassSchema>;

/** POST /api/staff/join (the pass travels in the X-Staff-Pass header). */
export const staffJoinBody = z.strictObject({ name: z.string().max(1000) });
export const staffName = cleanText(2, 50);

export const staffMemberSchema = z.strictObject({
  staff_key: z.string(),
  name: z.string(),
  created_at: z.string(),
  is_active: z.boolean(),
  /** The pass they joined with. */
  pass: z.string(),
  last_seen: z.string().nullable(),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const staffJoinResponse = z.strictObject({
  staff: z.strictObject({ staff_key: z.string(), name: z.string() }),
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
});
export type StaffJoinResponse = z.infer<typeof staffJoinResponse>;
