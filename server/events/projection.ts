import { ADMIN_NEW_ORDERS, ADMIN_ORDER_UPDATES, BAR_CHANNEL, MENU_CHANNEL, QUEUE_CHANNEL, guestOrdersChannel } from '../../shared/channels.ts';
import type { EventMap, EventType } from '../../shared/events.ts';
import {
  guestCalledEvent,
  guestStatusChangedEvent,
  hostCalledEvent,
  hostStatusChangedEvent,
  newOrderEvent,
  queueChangedEvent,
} from '../orders/order-presenter.ts';
import type { DomainEvent, DomainEventListener, EventBus } from './event-bus.ts';

/** One live event on one AppSync channel, as subscribers receive it. */
export type ChannelEvent = { [K in EventType]: { channel: string; type: K; payload: EventMap[K] } }[EventType];

/**
 * The one place that decides which AppSync channel hears which domain event, with what payload
 * (the payloads themselves come from the order presenter). A new live event is a line here.
 *
 * - order.placed         → /admin/new-orders: NEW_ORDER (the order, who placed it, its drink_id).
 *                          The guest learns of it from the POST's answer, not from a channel.
 * - order.status_changed → /orders/<user_key>: ORDER_STATUS_CHANGED without who placed it, with
 *                          its place in line; /admin/order-updates: the same plus user_key,
 *                          username and changed_by (a recall is such a change, one step back).
 * - queue.changed        → /queue: QUEUE_CHANGED, the anonymous line (each instance's own read;
 *                          one message per listening phone per snapshot, never per order ahead).
 * - order.called         → /orders/<user_key>: ORDER_CALLED; /admin/order-updates: the same plus
 *                          user_key and username.
 *   A walk-up (user_key null, taken at the bar) has no guest channel: only the host's hear it.
 * - bar.status_changed   → /bar: BAR_STATUS_CHANGED (the bar, its previous status, when).
 * - menu.changed         → /menu/changes: MENU_CHANGED.
 * - guest.revoked, tokens.revoked: nothing on a channel (they close sockets instead).
 */
export function project(event: DomainEvent): ChannelEvent[] {
  switch (event.name) {
    case 'order.placed':
      return [{ channel: ADMIN_NEW_ORDERS, type: 'NEW_ORDER', payload: newOrderEvent(event.data.order) }];
    case 'order.status_changed': {
      const { order, previous_status: previous, place } = event.data;
      const toHost: ChannelEvent = { channel: ADMIN_ORDER_UPDATES, type: 'ORDER_STATUS_CHANGED', payload: hostStatusChangedEvent(order, previous, place) };
      if (order.user_key === null) return [toHost];
      return [{ channel: guestOrdersChannel(order.user_key), type: 'ORDER_STATUS_CHANGED', payload: guestStatusChangedEvent(order, previous, place) }, toHost];
    }
    case 'queue.changed':
      return [{ channel: QUEUE_CHANNEL, type: 'QUEUE_CHANGED', payload: queueChangedEvent(event.data.queue) }];
    case 'order.called': {
      const { order } = event.data;
      const toHost: ChannelEvent = { channel: ADMIN_ORDER_UPDATES, type: 'ORDER_CALLED', payload: hostCalledEvent(order) };
      if (order.user_key === null) return [toHost];
      return [{ channel: guestOrdersChannel(order.user_key), type: 'ORDER_CALLED', payload: guestCalledEvent(order) }, toHost];
    }
    case 'bar.status_changed': {
      const { bar, previous_status: previous, updated_at: updatedAt } = event.data;
      return [
        { channel: BAR_CHANNEL, type: 'BAR_STATUS_CHANGED', payload: { type: 'BAR_STATUS_CHANGED', ...bar, previous_status: previous, updated_at: updatedAt } },
      ];
    }
    case 'menu.changed':
      return [{ channel: MENU_CHANNEL, type: 'MENU_CHANGED', payload: { type: 'MENU_CHANGED', updated_at: event.data.at } }];
    case 'guest.revoked':
    case 'tokens.revoked':
      return [];
  }
}

export type ChannelEventListener = (event: ChannelEvent, meta: { remote: boolean }) => void;

/** Listens to the bus and hands each projected channel event to `listener` (the broker, the upstream publisher). */
export function onChannelEvents(bus: EventBus, listener: ChannelEventListener): () => void {
  const relay: DomainEventListener = (event, meta) => {
    for (const channelEvent of project(event)) listener(channelEvent, meta);
  };
  return bus.onAny(relay);
}
