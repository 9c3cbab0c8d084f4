import { z } from 'zod';
import { storableString } from './common.ts';

export const adminLoginBody = z.strictObject({
  email: storableString(320),
  password: z.string().max(1024),
});

/** Body for completing the one-time setup link. */
export const adminSetupBody = z.strictObject({
  token: z.string().min(1).max(200),
  email: z.email().max(320),
  password: z.string().min(10, 'at least 10 characters').max(1024),
});

export const tokenResponse = z.strictObject({ access_token: z.string(), expires_in: z.number() });

/** PUT /api/admin/password. */
export const adminPasswordChangeBody = z.strictObject({
  current_password: z.string().max(1024),
  new_password: z.string().min(10, 'at least 10 characters').max(1024),
});

/** POST /api/admin/password-reset: the link `npm run host -- reset-password` prints. */
export const adminPasswordResetBody = z.strictObject({
  token: z.string().min(1).max(200),
  new_password: z.string().min(10, 'at least 10 characters').max(1024),
});
