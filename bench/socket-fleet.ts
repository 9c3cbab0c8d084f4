/**
 * The socket fleet: its own process (BENCH_ROLE=socket-fleet) holding the live connections of
 * the events bench — guests and hosts on barback (raw AppSync protocol) and on the bare
 * LISTEN → ws baseline — each socket from a loopback address of its own, so per-address
 * limits are not what is measured. While recording, it timestamps every status event it
 * receives with the machine-wide clock, for the bench to match with the writes that caused them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { loopbackAddress, subscribeAppSync } from './appsync-client.ts';
import { epochMs, HelperProcess, serveHelper } from './support.ts';

export type Target = 'barback' | 'bare';
/** `line`: a guest's socket following the line (/queue); its QUEUE_CHANGED snapshots are timed. */
export type Role = 'guest' | 'host' | 'line';

export interface Receipts {
  /** `<order id> <status>` and when a guest socket got it (epoch ms, sub-ms). */
  guest: [key: string, at: number][];
  host: [key: string, at: number][];
  /** Each distinct QUEUE_CHANGED (the same string reaches every `line` socket) and when each socket got it. */
  line: [event: string, at: number[]][];
  /** The fleet's own event-loop delay p99 (ms) while recording: a lagging fleet inflates every latency. */
  loopDelayP99: number;
}

type Command =
  | { op: 'appsync'; url: string; clients: { token: string; channel: string; role: Role }[] }
  | { op: 'bare'; url: string; clients: { key: string; role: Role }[] }
  | { op: 'record'; target: Target }
  | { op: 'drop-line' }
  | { op: 'collect' };

/** The bench's handle on the fleet process. */
export class SocketFleet {
  private constructor(private readonly helper: HelperProcess) {}

  static start(): SocketFleet {
    return new SocketFleet(HelperProcess.start('bench/socket-fleet.ts', 'socket-fleet'));
  }

  get pid(): number {
    return this.helper.pid;
  }

  /** Connects and subscribes each client to barback; resolves with the number of sockets open. */
  connectAppSync(url: string, clients: { token: string; channel: string; role: Role }[]): Promise<number> {
    return this.helper.request({ op: 'appsync', url, clients } satisfies Command);
  }

  /** Connects each client to the bare baseline, as the guest (its user key) or `admin`. */
  connectBare(url: string, clients: { key: string; role: Role }[]): Promise<number> {
    return this.helper.request({ op: 'bare', url, clients } satisfies Command);
  }

  /** Starts timing the status events that reach the sockets of `target`; forgets earlier ones. */
  record(target: Target): Promise<void> {
    return this.helper.request({ op: 'record', target } satisfies Command);
  }

  /** Closes every `line` socket (the run without positions follows). */
  dropLine(): Promise<void> {
    return this.helper.request({ op: 'drop-line' } satisfies Command);
  }

  collect(): Promise<Receipts> {
    return this.helper.request({ op: 'collect' } satisfies Command);
  }

  stop(): Promise<void> {
    return this.helper.stop();
  }
}

function serveFleet(): void {
  const sockets: WebSocket[] = [];
  let lineSockets: WebSocket[] = [];
  let nextAddress = 0;
  let recording: Target | undefined;
  let receipts: Receipts = { guest: [], host: [], line: [], loopDelayP99: 0 };
  let snapshots = new Map<string, number[]>();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });

  /** One event (a JSON string) reached a socket of `target`. */
  const received = (target: Target, role: Role, event: string) => {
    if (recording !== target) return;
    const at = epochMs();
    if (role === 'line') {
      // One parse-free lookup per snapshot per socket: thousands of sockets get each one.
      if (!event.startsWith('{"type":"QUEUE_CHANGED"')) return;
      const arrivals = snapshots.get(event);
      if (arrivals) arrivals.push(at);
      else snapshots.set(event, [at]);
      return;
    }
    const e = JSON.parse(event) as { type: string; order_id: string; status: string };
    if (e.type !== 'ORDER_STATUS_CHANGED') return;
    receipts[role].push([`${e.order_id} ${e.status}`, at]);
  };

  /** Opens `count` sockets, 200 at a time, so the servers see a crowd arriving rather than a flood. */
  const inBatches = async (count: number, open: (i: number) => Promise<WebSocket>) => {
    for (let start = 0; start < count; start += 200) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(200, count - start) }, (_, k) => open(start + k)))));
    }
    return sockets.length;
  };

  serveHelper(async (command: Command) => {
    switch (command.op) {
      case 'appsync':
        return inBatches(command.clients.length, async (i) => {
          const { token, channel, role } = command.clients[i]!;
          const { socket, subscribed } = subscribeAppSync({
            url: command.url,
            token,
            channel,
            localAddress: loopbackAddress(nextAddress++),
            timeoutMs: 30_000,
            onEvent: (event) => received('barback', role, event),
          });
          await subscribed;
          if (role === 'line') lineSockets.push(socket);
          return socket;
        });
      case 'bare':
        return inBatches(command.clients.length, async (i) => {
          const { key, role } = command.clients[i]!;
          const ws = new WebSocket(`${command.url.replace(/^http/, 'ws')}/bare/events?key=${key}`, {
            localAddress: loopbackAddress(nextAddress++),
            perMessageDeflate: false,
          });
          ws.on('message', (data) => received('bare', role, String(data)));
          await new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
          });
          return ws;
        });
      case 'record':
        recording = command.target;
        receipts = { guest: [], host: [], line: [], loopDelayP99: 0 };
        snapshots = new Map();
        loopDelay.reset();
        loopDelay.enable();
        return undefined;
      case 'collect': {
        recording = undefined;
        loopDelay.disable();
        const collected = { ...receipts, line: [...snapshots], loopDelayP99: loopDelay.percentile(99) / 1e6 };
        receipts = { guest: [], host: [], line: [], loopDelayP99: 0 };
        snapshots = new Map();
        return collected;
      }
      case 'drop-line': {
        const closing = new Set(lineSockets);
        for (const socket of lineSockets) socket.terminate();
        lineSockets = [];
        sockets.splice(0, sockets.length, ...sockets.filter((socket) => !closing.has(socket)));
        return undefined;
      }
    }
  });
}

if (process.env.BENCH_ROLE === 'socket-fleet') serveFleet();
