import { DECLARATIVE_WEB_PUSH, type PushMessage } from '../../shared/push-message.ts';

/** What happened to an order that the guest should hear about with the app closed. */
export interface OrderPushEvent {
  type: 'ORDER_READY';
  order_id: string;
  drink_name: string;
}

export interface PushContext {
  /** The origin guests open (invite codes carry it): Safari needs an absolute navigate URL. */
  origin: string;
  /** The guest's orders now `ready`, for the app icon's badge. */
  readyCount: number;
}

/**
 * The server does not know a guest's language; Safari shows this text as is when the worker
 * does not run, while Chromium's and Firefox's worker rebuilds it in the phone's language.
 */
const TEXT: Record<OrderPushEvent['type'], (drink: string) => { title: string; body: string }> = {
  ORDER_READY: (drink) => ({ title: `Your ${drink} is ready`, body: 'Pick it up at the bar.' }),
};

export function orderPushMessage(event: OrderPushEvent, context: PushContext): PushMessage {
  const { title, body } = TEXT[event.type](event.drink_name);
  return {
    web_push: DECLARATIVE_WEB_PUSH,
    notification: {
      title,
      body,
      navigate: new URL(`/orders#${event.order_id}`, context.origin).href,
      tag: event.order_id,
      lang: 'en',
      app_badge: context.readyCount,
    },
    type: event.type,
    order_id: event.order_id,
    drink_name: event.drink_name,
  };
}
