-- When an order became ready: the host's "average time to ready" needs it after the order is
-- served (updated_at then dates the serving). Backfilled from the event log.
ALTER TABLE orders ADD COLUMN ready_at timestamptz;

UPDATE orders o
   SET ready_at = e.at
  FROM (SELECT order_id, min(created_at) AS at
          FROM order_events
         WHERE type = 'ORDER_STATUS_CHANGED' AND payload ->> 'status' = 'ready'
         GROUP BY order_id) e
 WHERE e.order_id = o.id;
