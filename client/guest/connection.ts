import { Signal } from '../lib/signal.ts';
import { isReachable, probe } from '../lib/reachability.ts';
import type { ConnectionState } from '../lib/live-events.ts';

/**
 * The guest's connection indicator, and the only owner of the live socket's last known state:
 * the server unreachable is "offline" whatever the socket says.
 */
export const connection = new Signal<ConnectionState>('reconnecting');

let liveState: ConnectionState = 'reconnecting';

/** Told by the live connection; returns whether it just came (back) to live. */
export function noteLiveState(state: ConnectionState): boolean {
  const cameBack = state === 'live' && liveState !== 'live';
  liveState = state;
  showConnection();
  // A dropped socket may be the server gone: ask, so the indicator can say "offline".
  if (state !== 'live') void probe();
  return cameBack;
}

/** Re-reads reachability into the indicator (after a reachability change). */
export function showConnection(): void {
  connection.set(isReachable() ? liveState : 'offline');
}

/** Without a live socket nothing else would notice the server leaving: a cheap heartbeat. */
export function startHeartbeat(): () => void {
  const heartbeat = setInterval(() => {
    if (liveState !== 'live' && isReachable()) void probe();
  }, 10_000);
  return () => clearInterval(heartbeat);
}
