import { Signal } from '../lib/signal.ts';
import { SessionEndedError } from '../lib/http.ts';

/** The session was refused by the server: the guest must join again. */
export const sessionEnded = new Signal<boolean>(false);

/** Notes an error that means the session ended; other errors are the caller's to handle. */
export function noteSessionError(error: unknown): void {
  if (error instanceof SessionEndedError) sessionEnded.set(true);
}
