import { useEffect, useState } from 'react';
import { liveQuery } from 'dexie';

/**
 * A Dexie query as React state, re-run whenever the tables it read change — also when the
 * service worker or another tab wrote them. `undefined` until the first answer (loading).
 */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (next) => setValue(() => next),
      error: (error: unknown) => console.error('local store read failed', error),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
