import { Router } from 'express';
import { z } from 'zod';
import { adminOrdersQuery, createOrderBody, createWalkupOrderBody, ordersQuery, updateOrderStatusBody, walkupName } from '../../shared/schemas/orders.ts';
import type { Deps } from '../context.ts';
import { parse, pathId } from '../http/validate.ts';

const nameRule = z.object({ name: walkupName });

/** Guests' orders (/api/orders), the line (/api/queue) and the host's queue (/api/admin/orders), walk-ups included. */
export function orderRoutes(ctx: Deps<'auth' | 'orders' | 'queue'>): Router {
  const router = Router();
  const { auth, orders, queue } = ctx;

  router.post('/api/orders', auth.guest, async (req, res) => {
    const { user_key: userKey } = auth.guestClaims(req);
    const placed = await orders.place(userKey, parse(createOrderBody, req.body));
    res.status(placed.created ? 201 : 200).json({ order: await orders.guestView(placed.order) });
  });

  router.get('/api/orders', auth.guest, async (req, res) => {
    const { user_key: userKey } = auth.guestClaims(req);
    const query = parse(ordersQuery, req.query, 'invalid_cursor');
    const { orders: list, cursor } = await orders.listForGuest(userKey, query.since);
    res.json({ orders: await orders.guestViews(list), cursor });
  });

  router.get('/api/orders/:id', auth.guest, async (req, res) => {
    const { user_key: userKey } = auth.guestClaims(req);
    res.json({ order: await orders.guestView(await orders.getForGuest(pathId(req.params.id, 'order'), userKey)) });
  });

  router.post('/api/orders/:id/cancel', auth.guest, async (req, res) => {
    const { user_key: userKey } = auth.guestClaims(req);
    const order = await orders.changeStatus(pathId(req.params.id, 'order'), 'cancelled', { actor: 'guest', userKey });
    res.json({ order: await orders.guestView(order) });
  });

  // The line for a phone (re)joining it; then QUEUE_CHANGED on /queue keeps it current.
  router.get('/api/queue', auth.authenticated, async (_req, res) => {
    res.json({ queue: (await queue.current()).snapshot() });
  });

  router.get('/api/admin/orders', auth.staff, async (req, res) => {
    const query = parse(adminOrdersQuery, req.query);
    res.json({ orders: await orders.listForHost(query.status) });
  });

  router.post('/api/admin/orders', auth.staff, async (req, res) => {
    const body = parse(createWalkupOrderBody, req.body);
    const { name } = parse(nameRule, body, 'invalid_name');
    const placed = await orders.placeWalkup({ ...body, name });
    res.status(placed.created ? 201 : 200).json({ order: placed.order });
  });

  router.patch('/api/admin/orders/:id', auth.staff, async (req, res) => {
    const id = pathId(req.params.id, 'order');
    const { status } = parse(updateOrderStatusBody, req.body);
    res.json({ order: await orders.changeStatus(id, status, { actor: 'host', by: auth.staffMember(req) }) });
  });

  router.post('/api/admin/orders/:id/call', auth.staff, async (req, res) => {
    res.json({ order: await orders.call(pathId(req.params.id, 'order')) });
  });

  return router;
}
