/**
 * The load generator: its own process (BENCH_ROLE=load-generator), so the load never shares
 * an event loop with a server under test or with the bench that coordinates. The bench sends
 * it jobs over IPC (LoadGenerator below) and gets summaries back.
 *  - `http`: autocannon for a duration or an amount of requests; the requests follow a plan
 *    (a fixed request, fresh orders from rotating guests, registrations over codes, rotating tokens).
 *  - `paced`: a list of requests sent at a steady rate, each timed (sent, answered) with the
 *    machine-wide clock, so a socket fleet in another process can time the events they cause.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { epochMs, HelperProcess, serveHelper, showSpread, sleep, spread } from './support.ts';

export type RequestPlan =
  | { kind: 'fixed'; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }
  /** POST an order with a fresh id from each guest in turn; `x-user-key` names the guest for the bare baseline, which has no auth. */
  | { kind: 'orders'; guests: { token: string; userKey: string }[]; drinkIds: string[] }
  /** POST a registration on each code in turn; `collect` keeps the access tokens issued. */
  | { kind: 'register'; codes: string[]; collect?: boolean }
  /** GET with each token in turn. */
  | { kind: 'bearer'; tokens: string[] };

export interface HttpJob {
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  plan: RequestPlan;
}

export interface LoadResult {
  /** Answers (2xx and others) per second of the run. */
  rps: number;
  /** Latency percentiles in ms (autocannon's histogram, 1 ms resolution). */
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Access tokens from the answers, when the plan collects them. */
  collected?: string[];
}

export interface PacedRequest {
  method: 'PATCH' | 'POST';
  url: string;
  body: string;
  /** What the event this request causes will be matched by. */
  key: string;
}

export interface PacedJob {
  rate: number;
  headers: Record<string, string>;
  requests: PacedRequest[];
}

export interface PacedResult {
  /** Per request: key, sent and answered (epoch ms, sub-ms), HTTP status (0: network error). */
  timings: [key: string, sent: number, answered: number, status: number][];
}

/** One round in the console: throughput, p99, and anything that was not a 2xx. */
export const describeLoad = (r: LoadResult) =>
  `${Math.round(r.rps)}/s, p99 ${r.p99} ms${r.non2xx + r.errors > 0 ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`;

/** A table row over the rounds: req/s, p50 and p99 as median (min–max), then 2xx / non-2xx / errors of all rounds. */
export function loadRow(label: string, rounds: LoadResult[]): string {
  const total = (pick: (r: LoadResult) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  return (
    `| ${label} | ${showSpread(spread(rounds.map((r) => r.rps)))} | ${showSpread(spread(rounds.map((r) => r.p50)))} | ` +
    `${showSpread(spread(rounds.map((r) => r.p99)))} | ${total((r) => r.ok)} / ${total((r) => r.non2xx)} / ${total((r) => r.errors)} |`
  );
}

/** The bench's handle on a load generator process. */
export class LoadGenerator {
  private constructor(private readonly helper: HelperProcess) {}

  static start(): LoadGenerator {
    return new LoadGenerator(HelperProcess.start('bench/load-generator.ts', 'load-generator'));
  }

  http(job: HttpJob): Promise<LoadResult> {
    return this.helper.request({ type: 'http', job });
  }

  paced(job: PacedJob): Promise<PacedResult> {
    return this.helper.request({ type: 'paced', job });
  }

  stop(): Promise<void> {
    return this.helper.stop();
  }
}

function requestsOf(plan: RequestPlan, collected: string[]): autocannon.Request[] {
  let turn = 0;
  const json = { 'content-type': 'application/json' };
  switch (plan.kind) {
    case 'fixed':
      return [{ method: plan.method ?? 'GET', ...(plan.headers ? { headers: plan.headers } : {}), ...(plan.body === undefined ? {} : { body: plan.body }) }];
    case 'orders':
      return [
        {
          method: 'POST',
          setupRequest(request) {
            const guest = plan.guests[turn % plan.guests.length]!;
            const drinkId = plan.drinkIds[turn % plan.drinkIds.length]!;
            turn += 1;
            return {
              ...request,
              headers: { ...json, authorization: `Bearer ${guest.token}`, 'x-user-key': guest.userKey },
              body: JSON.stringify({ id: randomUUID(), drink_id: drinkId, notes: turn % 4 === 0 ? 'no ice' : undefined }),
            };
          },
        },
      ];
    case 'register':
      return [
        {
          method: 'POST',
          setupRequest(request) {
            const code = plan.codes[turn % plan.codes.length]!;
            turn += 1;
            return { ...request, headers: { ...json, 'x-registration-code': code }, body: JSON.stringify({ username: `Guest ${turn}` }) };
          },
          onResponse(status, body) {
            if (plan.collect && status === 201) collected.push((JSON.parse(body) as { access_token: string }).access_token);
          },
        },
      ];
    case 'bearer':
      return [
        {
          method: 'GET',
          setupRequest(request) {
            return { ...request, headers: { authorization: `Bearer ${plan.tokens[turn++ % plan.tokens.length]}` } };
          },
        },
      ];
  }
}

async function runHttp(job: HttpJob): Promise<LoadResult> {
  const collected: string[] = [];
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    ...(job.amount === undefined ? { duration: job.seconds ?? 1 } : { amount: job.amount }),
    requests: requestsOf(job.plan, collected),
  });
  return {
    rps: (result['2xx'] + result.non2xx) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...(job.plan.kind === 'register' && job.plan.collect ? { collected } : {}),
  };
}

/** Sends the requests in order at `rate` per second, on schedule rather than in bursts. */
async function runPaced(job: PacedJob): Promise<PacedResult> {
  const timings: PacedResult['timings'] = [];
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const send = async (request: PacedRequest) => {
    const at = epochMs();
    let status = 0;
    try {
      const res = await fetch(request.url, { method: request.method, headers: { 'content-type': 'application/json', ...job.headers }, body: request.body });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      // a network error: status 0
    }
    timings.push([request.key, at, epochMs(), status]);
  };
  while (sent < job.requests.length) {
    const due = Math.min(job.requests.length, Math.floor(((performance.now() - started) / 1000) * job.rate) + 1);
    while (sent < due) {
      const p: Promise<void> = send(job.requests[sent++]!).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  return { timings };
}

if (process.env.BENCH_ROLE === 'load-generator') {
  serveHelper(async (message: { type: 'http'; job: HttpJob } | { type: 'paced'; job: PacedJob }) =>
    message.type === 'http' ? runHttp(message.job) : runPaced(message.job),
  );
}
