import { vi } from 'vitest';

/**
 * A fake of the network border only: the app's own modules (Dexie store, outbox, session) run
 * for real against fake-indexeddb, and `fetch` answers as the server would (or fails as a LAN
 * drop does). Each handler sees the parsed request.
 */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
}

export type Handler = (request: SeenRequest) => Promise<Response | 'network-error'> | Response | 'network-error';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 || status === 304 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function installFakeServer(handler: Handler): SeenRequest[] {
  const seen: SeenRequest[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const request: SeenRequest = {
      method: init.method ?? 'GET',
      path: input,
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    seen.push(request);
    const answer = await handler(request);
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    return answer;
  });
  return seen;
}

export function serverOrder(over: Partial<Record<string, unknown>> & { id: string; drink_id: string }): any {
  return {
    drink_name: 'Mojito',
    notes: null,
    status: 'pending',
    created_at: '2025-01-01T20:00:00.000Z',
    updated_at: '2025-01-01T20:00:00.000Z',
    completed_at: null,
    version: '10',
    ...over,
  };
}
