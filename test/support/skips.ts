/**
 * Conditions for describe.skipIf / it.skipIf when a test needs something a run may lack. A skip
 * has to say so, with its reason, in the output: one that hides reads as a pass. CI provides
 * all of these (.ci/run), so nothing skips there.
 */
export function missing(available: boolean, what: string, reason: string): boolean {
  if (!available) console.warn(`!!! SKIPPED: ${what} (${reason}) !!!`);
  return !available;
}

/** Several instances, LISTEN/NOTIFY, a second open transaction, a database cut away: PostgreSQL only. */
export function withoutPostgres(what: string): boolean {
  return missing(Boolean(process.env.DATABASE_URL), what, 'needs PostgreSQL: set DATABASE_URL');
}
