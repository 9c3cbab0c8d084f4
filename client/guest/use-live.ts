import { useEffect, useState } from 'react';
import { liveQuery } from 'dexie';

/**
 * Runs a Dexie query now and again whenever the tables it read change — also when the service
 * worker or another tab wrote them — and hands each answer to `onValue`. Returns a stop function.
 */
export function watchStore<T>(query: () => Promise<T>, onValue: (value: T) => void): () => void {
  const subscription = liveQuery(query).subscribe({
    next: onValue,
    error: (error: unknown) => console.error('local store read failed', error),
  });
  return () => subscription.unsubscribe();
}

/** A Dexie query as React state; `undefined` until the first answer (loading). */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => watchStore(query, (next) => setValue(() => next)), deps);
  return value;
}
