import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { AppError, notFound, unauthorized } from '../http/errors.ts';
import { ORDER_STATUSES, canRecall, canTransition, type OrderStatus } from '../../shared/order-status.ts';
import type { ChangedBy, CreateOrderBody, CreateWalkupOrderBody, Order } from '../../shared/schemas/orders.ts';
import { OrderRepository, type PlaceInput, type PlaceOutcome } from './order.repository.ts';
import { Batcher } from '../db/batcher.ts';
import { guestOrder, type HostOrder } from './order-presenter.ts';
import type { QueueService } from './queue.service.ts';
import { NOT_IN_LINE } from '../../shared/queue.ts';
import { outOfStockRefusal } from '../menu/shelf.service.ts';
import { resolveOrderOptions, type OrderOption } from '../../shared/schemas/menu-options.ts';
import { barClosed, type BarService } from '../bar/bar.service.ts';
import type { MenuService } from '../menu/menu.service.ts';

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

/**
 * Order creation under load (issue 21): one place_orders() call at a time per instance, with
 * every order (up to PLACING_BATCH_SIZE) that arrived while the previous one ran. Measured
 * against two and more at once: one writer does the same orders with less CPU in PostgreSQL
 * (no waits on the version lock, one commit for more orders) and as fast (docs/PERFORMANCE.md).
 */
const PLACING_BATCHES = 1;
const PLACING_BATCH_SIZE = 50;

/** Passes a status change may lose to other changes of the same order before giving up. */
const MAX_CHANGE_ATTEMPTS = 8;
const busyOrder = () => new AppError(503, 'server_busy', 'This order is changing too fast; try again.');

const invalidTransition = (from: OrderStatus, to: OrderStatus) =>
  new AppError(409, 'invalid_transition', `An order that is ${from} cannot become ${to}.`);
const idempotencyConflict = () => new AppError(409, 'idempotency_conflict', 'This order id is already used for a different order.');
const drinkUnavailable = () => new AppError(409, 'drink_unavailable', 'This drink is not available right now.');

/** What a walk-up is, to tell a replay (the same again) from another order under its id. */
interface Walkup {
  id: string;
  drinkId: string;
  name: string;
  notes: string | null;
  options: OrderOption[];
}

/** The walk-up already stored under this id, if it is this one; any other order there is a conflict. */
function replayOf(existing: HostOrder, walkup: Walkup): HostOrder {
  const same =
    existing.user_key === null &&
    existing.username === walkup.name &&
    existing.drink_id === walkup.drinkId &&
    existing.notes === walkup.notes &&
    sameChoices(existing.options, walkup.options);
  if (!same) throw idempotencyConflict();
  return existing;
}

/**
 * Orders: creation exactly once, the status machine, the sync cursor. Every change writes
 * its event row in the same transaction and is emitted (order.placed, order.status_changed, order.called)
 * only after that commits, so an event exists if and only if its change does.
 */
export class OrderService {
  private readonly repo: OrderRepository;
  private readonly placing: Batcher<PlaceInput, PlaceOutcome>;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly maxActiveOrders: number,
    private readonly bar: BarService,
    private readonly menu: Pick<MenuService, 'drinkOptionGroups'>,
    private readonly queue: QueueService,
  ) {
    this.repo = new OrderRepository(db);
    this.placing = new Batcher((inputs) => this.repo.place(inputs, maxActiveOrders), PLACING_BATCHES, PLACING_BATCH_SIZE);
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
    let result: PlaceOutcome;
    try {
      // One statement, options included (migration 0014): an order never exists without them,
      // and a replay with other options is refused there (idempotency_conflict). Orders arriving
      // together share it (this.placing).
      result = await this.placing.submit({ id, userKey, drinkId: body.drink_id, notes: body.notes ?? null, options });
    } catch (error) {
      // An ingredient this drink needs with these options is out of stock (the shelf's trigger
      // refused the insert, migrations 0013 and 0021).
      throw outOfStockRefusal(error, options.length > 0) ?? error;
    }
    switch (result.outcome) {
      case 'created':
        this.events.emit('order.placed', { order: result.order });
        return { order: result.order, created: true };
      case 'existing':
        return { order: result.order, created: false };
      case 'idempotency_conflict':
        throw idempotencyConflict();
      case 'drink_not_found':
        throw notFound('drink');
      case 'drink_unavailable':
        throw drinkUnavailable();
      case 'too_many_active_orders':
        throw new AppError(409, 'too_many_active_orders', `You can have at most ${this.maxActiveOrders} open orders.`);
      case 'guest_inactive':
        // Revoked between the token check and the lock: the same answer the guard gives.
        throw unauthorized();
    }
  }

  /**
   * A walk-up: the host or a bartender takes an order for someone without a phone. The rules
   * of a guest's order that are about the order hold (options, the host's switch, the shelf,
   * the bar closed, one order per id); those about a guest do not: there is no account and no
   * limit of open orders (the person behind the bar decides). The same id with the same
   * content answers that order again (a double tap, a retry), also once the bar has closed.
   */
  async placeWalkup(body: CreateWalkupOrderBody): Promise<PlacedOrder> {
    const walkup: Walkup = {
      id: body.id ?? randomUUID(),
      drinkId: body.drink_id,
      name: body.name,
      notes: body.notes ?? null,
      options: await this.chosenOptions(body),
    };
    const existing = body.id ? await this.repo.findById(walkup.id) : undefined;
    if (existing) return { order: replayOf(existing, walkup), created: false };
    if (await this.bar.isClosed()) throw barClosed();
    const active = await this.repo.drinkIsActive(walkup.drinkId);
    if (active === undefined) throw notFound('drink');
    if (!active) throw drinkUnavailable();
    let order: HostOrder | undefined;
    try {
      order = await this.repo.insertWalkup(walkup);
    } catch (error) {
      throw outOfStockRefusal(error, walkup.options.length > 0) ?? error;
    }
    if (!order) {
      // The same id committed between the look-up and the insert: the other tap's order.
      const taken = await this.repo.findById(walkup.id);
      if (!taken) throw idempotencyConflict();
      return { order: replayOf(taken, walkup), created: false };
    }
    this.events.emit('order.placed', { order });
    return { order, created: true };
  }

  /** The choices checked against the drink's option groups, defaults filled in. */
  private async chosenOptions(body: CreateOrderBody): Promise<OrderOption[]> {
    const groups = await this.menu.drinkOptionGroups(body.drink_id);
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
    if (requester.actor === 'host') {
      // The usual step (a bartender moving an order on) in one statement: the order changes if
      // it is in a status the step is allowed from. Anything else (the same status again, a
      // recall, an order not there) is decided below, on the order as read.
      const from = ORDER_STATUSES.filter((status) => canTransition(status, to, 'host'));
      const changed = from.length > 0 ? await this.repo.changeStatus(id, { from }, to, requester.by) : undefined;
      if (changed) return this.statusChanged(changed.order, changed.previous);
    }
    // Each pass reads the order, decides, and writes only if nobody moved it in between; a
    // pass that loses a race decides again on what the winner left (usually: already done).
    for (let attempt = 1; ; attempt++) {
      const basis = await this.repo.findForChange(id);
      if (!basis || (requester.actor === 'guest' && basis.order.user_key !== requester.userKey)) throw notFound('order');
      const current = basis.order;
      if (current.status === to) return current;
      if (!canTransition(current.status, to, requester.actor)) {
        const recall =
          requester.actor === 'host' &&
          canRecall(current.status, to, { previous: basis.previous, byStaff: basis.byRole === 'admin' || basis.byRole === 'bartender', ageSeconds: basis.ageSeconds });
        if (!recall) throw invalidTransition(current.status, to);
      }
      const by: ChangedBy = requester.actor === 'host' ? requester.by : { role: 'guest', name: current.username };
      const changed = await this.repo.changeStatus(id, { version: current.version }, to, by);
      if (changed) return this.statusChanged(changed.order, current.status);
      if (attempt === MAX_CHANGE_ATTEMPTS) throw busyOrder();
    }
  }

  /**
   * Announces a committed status change with the place in line it left the order in, read
   * after the commit. The answer does not wait for that read (the host's view has no place):
   * the event follows on its own. Phones and boards keep the copy with the larger version, so
   * events need not leave in commit order (client/lib/versions.ts).
   */
  private statusChanged(order: HostOrder, previous: OrderStatus): HostOrder {
    void this.queue.places([order]).then(
      (places) => places.get(order.id) ?? NOT_IN_LINE,
      // The line could not be read: the change still goes out, without a place; the next
      // QUEUE_CHANGED brings the places again.
      () => NOT_IN_LINE,
    ).then((place) => this.events.emit('order.status_changed', { order, previous_status: previous, place }));
    return order;
  }

  /**
   * "Call again": the guest of a ready order nobody collected hears it again, live and by
   * push. Only a ready order can be called; the count and time show on the board.
   */
  async call(id: string): Promise<HostOrder> {
    const order = await this.repo.addCall(id);
    if (!order) {
      const current = await this.repo.findForChange(id);
      if (!current) throw notFound('order');
      throw new AppError(409, 'invalid_transition', `Only a ready order can be called; this one is ${current.order.status}.`);
    }
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

