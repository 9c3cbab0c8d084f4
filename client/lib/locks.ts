/**
 * One holder at a time for a named piece of work, across the page, other tabs and the service
 * worker (Web Locks), and inside one context when Web Locks are missing (old Safari, Node).
 */
const localChains = new Map<string, Promise<unknown>>();

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

function lockManager(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

export async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  // The in-memory chain runs first, so even with Web Locks two callers in one context queue
  // here cheaply instead of both waiting on the browser.
  const previous = localChains.get(name) ?? Promise.resolve();
  const locks = lockManager();
  const run = previous.catch(() => undefined).then(() => (locks ? locks.request(name, work) : work()));
  localChains.set(name, run);
  try {
    return await run;
  } finally {
    if (localChains.get(name) === run) localChains.delete(name);
  }
}

/** Concurrent callers share one running promise (single-flight) instead of starting another. */
export function singleFlight<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    running ??= work().finally(() => {
      running = undefined;
    });
    return running;
  };
}
