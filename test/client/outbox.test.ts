import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../client/lib/db.ts';
import { saveSession } from '../../client/lib/session.ts';
import { drainOutbox, enqueueOrder } from '../../client/guest/outbox.ts';
import { installFakeServer, json, serverOrder, type SeenRequest } from './fake-server.ts';

const MOJITO = { id: '6f1c1a52-7d9e-4c59-9a51-2f1d6c8e0b11', name: 'Mojito' };
const USER = { user_key: 'u-1', username: 'Sam' };

beforeEach(async () => {
  await Promise.all(db.tables.map((table) => table.clear()));
  await saveSession({ access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 3600 }, USER);
});
afterEach(() => vi.unstubAllGlobals());

/** A server that accepts each order id once and answers 200 with the same order on a resend. */
function acceptingServer(seen: { created: Map<string, any> } = { created: new Map() }) {
  return (request: SeenRequest) => {
    if (request.method !== 'POST' || request.path !== '/api/orders') return json(404, { error: { code: 'not_found', message: 'no' } });
    const existing = seen.created.get(request.body.id);
    if (existing) return json(200, { order: existing });
    const order = serverOrder({ id: request.body.id, drink_id: request.body.drink_id, notes: request.body.notes ?? null, version: String(seen.created.size + 1) });
    seen.created.set(request.body.id, order);
    return json(201, { order });
  };
}

describe('the outbox', () => {
  it('saves an order as queued on the phone before anything is sent, and keeps it when the server is unreachable', async () => {
    const seen = installFakeServer(() => 'network-error');
    const id = await enqueueOrder(MOJITO, 'no ice');
    expect(seen).toHaveLength(0);
    expect(await db.outbox.get(id)).toMatchObject({ drink_id: MOJITO.id, notes: 'no ice' });
    expect(await db.orders.get(id)).toMatchObject({ status: 'queued', version: null });

    const result = await drainOutbox();
    expect(result.outcome).toBe('unreachable');
    expect(seen).toHaveLength(1);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.orders.get(id))?.status).toBe('queued');
  });

  it('replaces a queued order with the server order once accepted, sending the client id', async () => {
    const seen = installFakeServer(acceptingServer());
    const id = await enqueueOrder(MOJITO, null);
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', sent: 1 });
    expect(seen[0]!.body).toEqual({ id, drink_id: MOJITO.id });
    expect(seen[0]!.headers.authorization).toBe('Bearer access-1');
    expect(await db.outbox.count()).toBe(0);
    expect(await db.orders.get(id)).toMatchObject({ status: 'pending', version: '1' });
  });

  it('sends each order once even when two drainers (page and worker) start together', async () => {
    const server = { created: new Map<string, any>() };
    const accept = acceptingServer(server);
    const seen = installFakeServer(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return accept(request);
    });
    await enqueueOrder(MOJITO, null);
    await enqueueOrder(MOJITO, 'two');
    await enqueueOrder(MOJITO, 'three');
    const results = await Promise.all([drainOutbox(), drainOutbox(), drainOutbox()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(3);
    expect(seen.filter((r) => r.path === '/api/orders')).toHaveLength(3);
    expect(new Set(seen.map((r) => r.body.id)).size).toBe(3);
    expect(await db.outbox.count()).toBe(0);
  });

  it('turns a refusal into a failed order with the reason, and never retries it', async () => {
    const seen = installFakeServer(() => json(409, { error: { code: 'drink_unavailable', message: 'That drink is not available now.' } }));
    const id = await enqueueOrder(MOJITO, null);
    expect(await drainOutbox()).toMatchObject({ outcome: 'done', failed: 1 });
    expect(await db.orders.get(id)).toMatchObject({ status: 'failed', failure: { code: 'drink_unavailable' } });
    expect(await db.outbox.count()).toBe(0);
    await drainOutbox();
    expect(seen).toHaveLength(1);
  });

  it('treats an idempotency conflict and too many active orders as failures too', async () => {
    const first = await enqueueOrder(MOJITO, null);
    const second = await enqueueOrder(MOJITO, null);
    installFakeServer((request) =>
      json(409, { error: { code: request.body.id === first ? 'idempotency_conflict' : 'too_many_active_orders', message: 'refused' } }),
    );
    await drainOutbox();
    expect((await db.orders.get(first))?.failure?.code).toBe('idempotency_conflict');
    expect((await db.orders.get(second))?.failure?.code).toBe('too_many_active_orders');
  });

  it('keeps the order queued when the server answers 503, and stops the drain to back off', async () => {
    const seen = installFakeServer(() => json(503, { error: { code: 'unavailable', message: 'busy' } }));
    const id = await enqueueOrder(MOJITO, null);
    await enqueueOrder(MOJITO, null);
    expect((await drainOutbox()).outcome).toBe('retry');
    expect(seen).toHaveLength(1);
    expect((await db.orders.get(id))?.status).toBe('queued');
    expect(await db.outbox.count()).toBe(2);
  });

  it('refreshes the token on a 401 and sends again', async () => {
    const accept = acceptingServer();
    const seen = installFakeServer((request) => {
      if (request.path === '/api/auth/refresh') return json(200, { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 3600 });
      if (request.headers.authorization === 'Bearer access-1') return json(401, { error: { code: 'unauthorized', message: 'expired' } });
      return accept(request);
    });
    const id = await enqueueOrder(MOJITO, null);
    expect((await drainOutbox()).outcome).toBe('done');
    expect(seen.map((r) => r.path)).toEqual(['/api/orders', '/api/auth/refresh', '/api/orders']);
    expect((await db.orders.get(id))?.status).toBe('pending');
  });

  it('a resend after an unanswered request finds the same order (the server answers 200) and stores it once', async () => {
    const server = { created: new Map<string, any>() };
    const accept = acceptingServer(server);
    let dropAnswer = true;
    installFakeServer((request) => {
      const answer = accept(request);
      // The order reached the server but the answer was lost on the way back.
      if (dropAnswer) {
        dropAnswer = false;
        return 'network-error';
      }
      return answer;
    });
    const id = await enqueueOrder(MOJITO, null);
    expect((await drainOutbox()).outcome).toBe('unreachable');
    expect((await drainOutbox()).outcome).toBe('done');
    expect(server.created.size).toBe(1);
    expect(await db.orders.where('id').equals(id).count()).toBe(1);
    expect((await db.orders.get(id))?.status).toBe('pending');
  });
});
