import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AppError, notFound, unauthorized } from '../http/errors.ts';
import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, guestOrdersChannel } from '../../shared/channels.ts';
import type { OrderCalledEvent, OrderStatusChangedEvent } from '../../shared/events.ts';
import { canRecall, canTransition, type OrderStatus } from '../../shared/order-status.ts';
import type { ChangedBy, CreateOrderBody } from '../../shared/schemas/orders.ts';
import { OrderRepository, type StoredOrder } from './order.repository.ts';
import { barClosed, type BarService } from '../bar/bar.service.ts';

export interface PlacedOrder {
  order: StoredOrder;
  /** false when the same request had already created it (an outbox replay, a retry). */
  created: boolean;
}

/** Who asks for a status change: the host (or a bartender) may touch any order, a guest only their own. */
export type Requester = { actor: 'host'; by: ChangedBy } | { actor: 'guest'; userKey: string };

const invalidTransition = (from: OrderStatus, to: OrderStatus) =>
  new AppError(409, 'invalid_transition', `An order that is ${from} cannot become ${to}.`);

/**
 * Orders: creation exactly once, the status machine, the sync cursor. Every change writes
 * its event row in the same transaction and is published only after that commits, so an
 * event exists if and only if its change does.
 */
export class OrderService {
  private readonly repo: OrderRepository;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly maxActiveOrders: number,
    private readonly bar: BarService,
  ) {
    this.repo = new OrderRepository(db);
  }

  async place(userKey: string, body: CreateOrderBody): Promise<PlacedOrder> {
    // The app normally sends its own id so a replay finds the first attempt.
    const id = body.id ?? randomUUID();
    if (await this.bar.isClosed()) {
      // An order accepted before closing time and replayed now (the outbox) is still that order.
      const existing = body.id ? await this.repo.findForGuest(id, userKey) : undefined;
      if (existing && existing.drink_id === body.drink_id && existing.notes === (body.notes ?? null)) return { order: existing, created: false };
      throw barClosed();
    }
    const result = await this.repo.place({
      id,
      userKey,
      drinkId: body.drink_id,
      notes: body.notes ?? null,
      maxActive: this.maxActiveOrders,
    });
    switch (result.outcome) {
      case 'created':
        this.events.publish(ADMIN_NEW_ORDERS, 'NEW_ORDER', result.event);
        return { order: result.order, created: true };
      case 'existing':
        return { order: result.order, created: false };
      case 'idempotency_conflict':
        throw new AppError(409, 'idempotency_conflict', 'This order id is already used for a different order.');
      case 'drink_not_found':
        throw notFound('drink');
      case 'drink_unavailable':
        throw new AppError(409, 'drink_unavailable', 'This drink is not available right now.');
      case 'too_many_active_orders':
        throw new AppError(409, 'too_many_active_orders', `You can have at most ${this.maxActiveOrders} open orders.`);
      case 'guest_inactive':
        // Revoked between the token check and the lock: the same answer the guard gives.
        throw unauthorized();
    }
  }

  /**
   * Moves an order along the status machine (shared/order-status.ts), or one step back within
   * the recall window. The same status again is a no-op: no version, no event; so two
   * bartenders tapping the same button at once make one change, and the second is answered
   * with its result. A guest asking about another guest's order learns nothing: it is simply
   * not found.
   */
  async changeStatus(id: string, to: OrderStatus, requester: Requester): Promise<StoredOrder> {
    const outcome = await this.db.transaction(async (tx) => {
      const repo = new OrderRepository(tx);
      const current = await repo.lockForChange(id);
      if (!current || (requester.actor === 'guest' && current.user_key !== requester.userKey)) throw notFound('order');
      if (current.status === to) return { order: current, event: undefined };
      if (!canTransition(current.status, to, requester.actor)) {
        const last = requester.actor === 'host' ? await repo.lastChange(id) : undefined;
        const recall = last && canRecall(current.status, to, { previous: last.previous, byStaff: last.byRole === 'admin' || last.byRole === 'bartender', ageSeconds: last.age_seconds });
        if (!recall) throw invalidTransition(current.status, to);
      }
      const by: ChangedBy = requester.actor === 'host' ? requester.by : { role: 'guest', name: current.username };
      // Taken last: the version's lock is held until commit, and readers' cursors wait below it.
      const version = await repo.takeVersion();
      const order = await repo.setStatus(id, current.status, to, version, by);
      const event: OrderStatusChangedEvent & { user_key: string; username: string } = {
        type: 'ORDER_STATUS_CHANGED',
        order_id: order.id,
        drink_name: order.drink_name,
        status: order.status,
        previous_status: current.status,
        updated_at: order.updated_at,
        version: order.version,
        user_key: order.user_key,
        username: order.username,
        changed_by: by,
      };
      await repo.insertEvent(event);
      return { order, event };
    });
    if (outcome.event) {
      const { user_key: userKey, username: _username, changed_by: _by, ...guestEvent } = outcome.event;
      this.events.publish(guestOrdersChannel(userKey), 'ORDER_STATUS_CHANGED', guestEvent);
      this.events.publish(ADMIN_ORDER_UPDATES, 'ORDER_STATUS_CHANGED', outcome.event);
    }
    return outcome.order;
  }

  /**
   * "Call again": the guest of a ready order nobody collected hears it again, live and by
   * push. Only a ready order can be called; the count and time show on the board.
   */
  async call(id: string): Promise<StoredOrder> {
    const outcome = await this.db.transaction(async (tx) => {
      const repo = new OrderRepository(tx);
      const current = await repo.lockForChange(id);
      if (!current) throw notFound('order');
      if (current.status !== 'ready') throw new AppError(409, 'invalid_transition', `Only a ready order can be called; this one is ${current.status}.`);
      return repo.addCall(id);
    });
    const event: OrderCalledEvent & { user_key: string; username: string } = {
      type: 'ORDER_CALLED',
      order_id: outcome.id,
      drink_name: outcome.drink_name,
      calls: outcome.calls ?? 1,
      called_at: outcome.called_at ?? outcome.updated_at,
      user_key: outcome.user_key,
      username: outcome.username,
    };
    const { user_key: userKey, username: _username, ...guestEvent } = event;
    this.events.publish(guestOrdersChannel(userKey), 'ORDER_CALLED', guestEvent);
    this.events.publish(ADMIN_ORDER_UPDATES, 'ORDER_CALLED', event);
    return outcome;
  }

  /**
   * The cursor is computed before the read: every version at or below it is committed, so
   * the read sees all of them, and a version committed late is above it and comes next time.
   */
  async listForGuest(userKey: string, since: string | undefined): Promise<{ orders: StoredOrder[]; cursor: string }> {
    const cursor = await this.repo.safeCursor();
    const orders = await this.repo.listForGuest(userKey, since);
    return { orders, cursor };
  }

  async getForGuest(id: string, userKey: string): Promise<StoredOrder> {
    const order = await this.repo.findForGuest(id, userKey);
    if (!order) throw notFound('order');
    return order;
  }

  listForHost(statuses: OrderStatus[] | undefined): Promise<StoredOrder[]> {
    return this.repo.listForHost(statuses);
  }
}
