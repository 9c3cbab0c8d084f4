import { observeReach, requestJson } from './http.ts';

/**
 * Whether the barback server answers — not whether the browser believes it is online: on a
 * party LAN the Wi-Fi can be up while the laptop is gone. Every request reports here; the page
 * wires it to TanStack Query's onlineManager and the connection indicator.
 */
type Listener = (reachable: boolean) => void;
const listeners = new Set<Listener>();
let reachable = true;

observeReach((reached) => noteReachable(reached));

export function isReachable(): boolean {
  return reachable;
}

export function noteReachable(value: boolean): void {
  if (value === reachable) return;
  reachable = value;
  for (const listener of listeners) listener(value);
}

export function onReachabilityChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** One health probe; any HTTP answer means the server is there (a 503 still answers). */
export async function probe(): Promise<boolean> {
  try {
    await requestJson('/api/health');
  } catch {
    // requestJson has already reported whether the server answered at all
  }
  return reachable;
}

/**
 * While unreachable, probe with growing pauses (2 s → 10 s) until the server answers;
 * stops itself when reachable again. Returns a stop function.
 */
export function probeWhileUnreachable(): () => void {
  let delay = 2_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    if (reachable) return;
    timer = setTimeout(async () => {
      if (!(await probe())) {
        delay = Math.min(delay * 2, 10_000);
        schedule();
      }
    }, delay);
  };
  const off = onReachabilityChange((value) => {
    delay = 2_000;
    if (!value) schedule();
  });
  const wake = () => {
    if (!reachable) void probe();
  };
  window.addEventListener('online', wake);
  schedule();
  return () => {
    off();
    clearTimeout(timer);
    window.removeEventListener('online', wake);
  };
}
