-- The options a guest chose (issue 19): [{"group_id","group","choice_id","choice"}], with the
-- names as they were when the order was placed, so a later menu edit never rewrites an order.
ALTER TABLE orders ADD COLUMN options jsonb NOT NULL DEFAULT '[]';
