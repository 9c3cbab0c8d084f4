/** Live-event channel names, shared by the broker, the server's publishers and the apps. */
export const ADMIN_NEW_ORDERS = '/admin/new-orders';
export const ADMIN_ORDER_UPDATES = '/admin/order-updates';

export function guestOrdersChannel(userKey: string): string {
  return `/orders/${userKey}`;
}

/** Menu changes (a barback extension), so open menus refresh without a reload. Any signed-in user. */
export const MENU_CHANNEL = '/menu/changes';

/** Whether the bar is open, at last call or closed (BAR_STATUS_CHANGED). Any signed-in user. */
export const BAR_CHANNEL = '/bar';

/** The line (QUEUE_CHANGED): anonymous snapshots every phone with an order in line follows. Any signed-in user. */
export const QUEUE_CHANNEL = '/queue';
