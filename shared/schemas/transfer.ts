import { z } from 'zod';
import { registerResponse } from './guests.ts';
import { TRANSFER_CODE_PATTERN } from '../transfer-code.ts';

/** POST /api/auth/transfer-code (guest) → 201. */
export const transferCodeResponse = z.strictObject({
  code: z.string().regex(TRANSFER_CODE_PATTERN),
  expires_in: z.number(),
});
export type TransferCodeResponse = z.infer<typeof transferCodeResponse>;

/**
 * POST /api/auth/transfer. The length cap only bounds the work; a code that is not six digits
 * (spaces aside) is the same 401 invalid_transfer_code as a wrong one.
 */
export const transferBody = z.strictObject({
  code: z.string().max(32),
});
export type TransferBody = z.infer<typeof transferBody>;

/** The answer is registration's, for the guest who made the code. */
export const transferResponse = registerResponse;
export type TransferResponse = z.infer<typeof transferResponse>;
