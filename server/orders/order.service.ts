import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AppError, notFound, unauthorized } from '../http/errors.ts';
import { canRecall, canTransition, type OrderStatus } from '../../shared/order-status.ts';
import type { ChangedBy, CreateOrderBody, Order } from '../../shared/schemas/orders.ts';
import { OrderRepository, type PlaceOutcome } from './order.repository.ts';
import { guestOrder, orderChangeRecord, type HostOrder } from './order-presenter.ts';
import type { QueueService } from './queue.service.ts';
import { NOT_IN_LINE } from '../../shared/queue.ts';
import { outOfStockRefusal } from '../menu/shelf.service.ts';
import { resolveOrderOptions, type OrderOption } from '../../shared/schemas/menu-options.ts';
import { barClosed, type BarService } from '../bar/bar.service.ts';

export interface PlacedOrder {
  order: HostOrder;
  /** false when the same request had already created it (an outbox replay, a retry). */
  created: boolean;
}

/** Who asks for a status change: the host (or a bartender) may touch any order, a guest only their own. */
export type Requester = { actor: 'host'; by: ChangedBy } | { actor: 'guest'; userKey: string };

/** The same choices (group and choice ids), whatever their order or names. */
function sameChoices(a: readonly OrderOption[], b: readonly OrderOption[]): boolean {
  const key = (options: readonly OrderOption[]) => options.map((o) => `${o.group_id}=${o.choice_id}`).sort().join('&');
  return key(a) === key(b);
}

const invalidTransition = (from: OrderStatus, to: OrderStatus) =>
  new AppError(409, 'invalid_transition', `An order that is ${from} cannot become ${to}.`);

/**
 * Orders: creation exactly once, the status machine, the sync cursor. Every change writes
 * its event row in the same transaction and is emitted (order.placed, order.status_changed, order.called)
 * only after that commits, so an event exists if and only if its change does.
 */
export class OrderService {
  private readonly repo: OrderRepository;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly maxActiveOrders: number,
    private readonly bar: BarService,
    private readonly queue: QueueService,
  ) {
    this.repo = new OrderRepository(db);
  }

  async place(userKey: string, body: CreateOrderBody): Promise<PlacedOrder> {
    const options = await this.chosenOptions(body);
    // The app normally sends its own id so a replay finds the first attempt.
    const id = body.id ?? randomUUID();
    if (await this.bar.isClosed()) {
      // An order accepted before closing time and replayed now (the outbox) is still that order.
      const existing = body.id ? await this.repo.findForGuest(id, userKey) : undefined;
      if (existing && existing.drink_id === body.drink_id && existing.notes === (body.notes ?? null) && sameChoices(existing.options, options)) {
        return { order: existing, created: false };
      }
      throw barClosed();
    }
    const input = {
      id,
      userKey,
      drinkId: body.drink_id,
      notes: body.notes ?? null,
      maxActive: this.maxActiveOrders,
      options,
    };
    let result: PlaceOutcome;
    try {
      // One statement, options included (migration 0014): an order never exists without them,
      // and a replay with other options is refused there (idempotency_conflict).
      result = await this.repo.place(input);
    } catch (error) {
      // An ingredient of this drink is out of stock (the shelf's trigger refused the insert).
      throw outOfStockRefusal(error) ?? error;
    }
    switch (result.outcome) {
      case 'created':
        this.events.emit('order.placed', { order: result.order });
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

  /** The guest's choices checked against the drink's option groups, defaults filled in. */
  private async chosenOptions(body: CreateOrderBody): Promise<OrderOption[]> {
    const groups = await this.repo.drinkOptionGroups(body.drink_id);
    // An unknown drink is place_order's to report (404 drink_not_found).
    if (!groups) return [];
    const resolved = resolveOrderOptions(groups, body.options ?? {});
    if ('problem' in resolved) throw new AppError(400, 'invalid_options', resolved.problem);
    return resolved;
  }

  /**
   * Moves an order along the status machine (shared/order-status.ts), or one step back within
   * the recall window. The same status again is a no-op: no version, no event; so two
   * bartenders tapping the same button at once make one change, and the second is answered
   * with its result. A guest asking about another guest's order learns nothing: it is simply
   * not found.
   */
  async changeStatus(id: string, to: OrderStatus, requester: Requester): Promise<HostOrder> {
    const outcome = await this.db.transaction(async (tx) => {
      const repo = new OrderRepository(tx);
      const current = await repo.lockForChange(id);
      if (!current || (requester.actor === 'guest' && current.user_key !== requester.userKey)) throw notFound('order');
      if (current.status === to) return { order: current, previous: undefined };
      if (!canTransition(current.status, to, requester.actor)) {
        const last = requester.actor === 'host' ? await repo.lastChange(id) : undefined;
        const recall = last && canRecall(current.status, to, { previous: last.previous, byStaff: last.byRole === 'admin' || last.byRole === 'bartender', ageSeconds: last.age_seconds });
        if (!recall) throw invalidTransition(current.status, to);
      }
      const by: ChangedBy = requester.actor === 'host' ? requester.by : { role: 'guest', name: current.username };
      // Taken last: the version's lock is held until commit, and readers' cursors wait below it.
      const version = await repo.takeVersion();
      const order = await repo.setStatus(id, current.status, to, version, by);
      await repo.insertEvent(orderChangeRecord(order, current.status));
      return { order, previous: current.status };
    });
    if (outcome.previous) {
      // Read after the commit, so the guest's event carries the place the change left it in.
      const place = (await this.queue.places([outcome.order])).get(outcome.order.id) ?? NOT_IN_LINE;
      this.events.emit('order.status_changed', { order: outcome.order, previous_status: outcome.previous, place });
    }
    return outcome.order;
  }

  /**
   * "Call again": the guest of a ready order nobody collected hears it again, live and by
   * push. Only a ready order can be called; the count and time show on the board.
   */
  async call(id: string): Promise<HostOrder> {
    const order = await this.db.transaction(async (tx) => {
      const repo = new OrderRepository(tx);
      const current = await repo.lockForChange(id);
      if (!current) throw notFound('order');
      if (current.status !== 'ready') throw new AppError(409, 'invalid_transition', `Only a ready order can be called; this one is ${current.status}.`);
      return repo.addCall(id);
    });
    this.events.emit('order.called', { order });
    return order;
  }

  /**
   * The cursor is computed before the read: every version at or below it is committed, so
   * the read sees all of them, and a version committed late is above it and comes next time.
   */
  async listForGuest(userKey: string, since: string | undefined): Promise<{ orders: HostOrder[]; cursor: string }> {
    const cursor = await this.repo.safeCursor();
    const orders = await this.repo.listForGuest(userKey, since);
    return { orders, cursor };
  }

  async getForGuest(id: string, userKey: string): Promise<HostOrder> {
    const order = await this.repo.findForGuest(id, userKey);
    if (!order) throw notFound('order');
    return order;
  }

  /** The guest's views of these orders (order-presenter.ts), with their places in line read now. */
  async guestViews(orders: readonly HostOrder[]): Promise<Order[]> {
    const places = await this.queue.places(orders);
    return orders.map((order) => guestOrder(order, places.get(order.id) ?? NOT_IN_LINE));
  }

  async guestView(order: HostOrder): Promise<Order> {
    return (await this.guestViews([order]))[0]!;
  }

  listForHost(statuses: OrderStatus[] | undefined): Promise<HostOrder[]> {
    return this.repo.listForHost(statuses);
  }
}

