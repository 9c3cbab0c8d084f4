import { catchUp } from './order-store.ts';
import { announceChanges } from './ready-announcer.ts';
import { noteSessionError } from './session-ended.ts';

/**
 * Catches the phone's orders up with the server after any gap, and announces what became
 * ready meanwhile. The merge rules live in order-store.ts; live status changes arrive through
 * live-subscriptions.ts.
 */
export async function runCatchUp(): Promise<void> {
  try {
    announceChanges(await catchUp());
  } catch (error) {
    noteSessionError(error);
  }
}
