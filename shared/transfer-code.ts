/**
 * A transfer code's format and lifetime, for the server and the phone. Apart from the schemas
 * (schemas/transfer.ts) so the phone's screens read them without loading zod.
 */

/** A transfer code: six digits, shown in the browser and typed into the installed app. */
export const TRANSFER_CODE_PATTERN = /^[0-9]{6}$/;
/** Seconds a transfer code lives. */
export const TRANSFER_CODE_TTL = 600;

/** Digits only: guests type "123 456" or paste "123-456". */
export function normaliseTransferCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}
