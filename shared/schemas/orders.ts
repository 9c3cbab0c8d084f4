import { z } from 'zod';
import { ORDER_STATUSES } from '../order-status.ts';
import { cleanText } from './common.ts';
import { orderOptionSchema, orderOptionsInput } from './menu-options.ts';

/** Any 8-4-4-4-12 hex id, lower-cased: the same rule as path ids, so a client's own UUIDs all pass. */
const looseUuid = z.guid().transform((value) => value.toLowerCase());

const orderStatus = z.enum(ORDER_STATUSES);

/** Notes are trimmed; an empty note is no note. */
const orderNotes = cleanText(0, 200).transform((value) => (value === '' ? null : value));

/** POST /api/orders. `id` is the client's own UUID, so a replayed request creates one order. */
export const createOrderBody = z.strictObject({
  id: looseUuid.optional(),
  drink_id: looseUuid,
  notes: orderNotes.nullable().optional(),
  /** Option group id → choice id; checked against the drink's groups (400 invalid_options). */
  options: orderOptionsInput.optional(),
});
export type CreateOrderBody = z.infer<typeof createOrderBody>;

/**
 * POST /api/admin/orders: a walk-up, an order the host or a bartender takes for someone without
 * a phone. The guest's body plus the name the bar calls out; `id` works as for guests (a double
 * tap or a retry makes one order). The length cap only bounds the work: the real rule is
 * walkupName (400 invalid_name).
 */
export const createWalkupOrderBody = createOrderBody.extend({ name: z.string().max(1000) });
export type CreateWalkupOrderBody = z.infer<typeof createWalkupOrderBody>;

/** A walk-up's name: trimmed, 1–50 code points, no control characters ("Jo", "Table 4", "7"). */
export const walkupName = cleanText(1, 50);

/** PATCH /api/admin/orders/:id */
export const updateOrderStatusBody = z.strictObject({ status: orderStatus });

/** A cursor is a version: a decimal integer that fits PostgreSQL's bigint. */
const MAX_CURSOR = 9_223_372_036_854_775_807n;
const orderCursor = z
  .string()
  .refine((value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_CURSOR, {
    message: 'must be a decimal integer that fits 64 bits',
  });

export const ordersQuery = z.object({ since: orderCursor.optional() });

/** GET /api/admin/orders?status=a,b (a repeated `status` parameter works too). */
export const adminOrdersQuery = z.object({
  status: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')))
    .pipe(z.array(orderStatus).min(1))
    .optional(),
});

export const orderSchema = z.strictObject({
  id: z.string(),
  drink_id: z.string(),
  drink_name: z.string(),
  notes: z.string().nullable(),
  status: orderStatus,
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
  /** Decimal string; compare as BigInt. Also a valid cursor. */
  version: z.string(),
  /** The chosen options, in the drink's group order (issue 19). */
  options: z.array(orderOptionSchema),
  /**
   * The place in line (issue 17), while the order is pending or preparing; nulls otherwise.
   * `queue_ticket` is the order's anonymous number in QUEUE_CHANGED snapshots (shared/queue.ts),
   * `queue_position` 1 for the next order to be made, `eta_seconds` the expected wait (null
   * until tonight has preparation times).
   */
  queue_ticket: z.number().int().positive().nullable(),
  queue_position: z.number().int().positive().nullable(),
  eta_seconds: z.number().int().nonnegative().nullable(),
});
export type Order = z.infer<typeof orderSchema>;

/** Who made an order's last change: the host, a bartender (staff pass) or the guest (their own cancel). */
export const changedBySchema = z.object({ role: z.enum(['admin', 'bartender', 'guest']), name: z.string() });
export type ChangedBy = z.infer<typeof changedBySchema>;

/** The host's view has no place in line: the board shows the line itself. */
export const adminOrderSchema = orderSchema.omit({ queue_ticket: true, queue_position: true, eta_seconds: true }).extend({
  /** The guest who placed it; null for a walk-up (taken at the bar, no guest account). */
  user_key: z.string().nullable(),
  /** The guest's name, or the walk-up's. */
  username: z.string(),
  /** When the order became ready (a barback extension for the host's numbers); null before. */
  ready_at: z.string().nullable(),
  /** How many times the host called it again ("Call again"), and when last (null before any). */
  calls: z.number().int(),
  called_at: z.string().nullable(),
  /** Who made the last change; null before any. */
  changed_by: changedBySchema.nullable(),
});
export type AdminOrder = z.infer<typeof adminOrderSchema>;

export const orderResponse = z.strictObject({ order: orderSchema });
export const adminOrderResponse = z.strictObject({ order: adminOrderSchema });
export const ordersResponse = z.strictObject({ orders: z.array(orderSchema), cursor: z.string() });
export const adminOrdersResponse = z.strictObject({ orders: z.array(adminOrderSchema) });

/** GET /api/queue: the line as QUEUE_CHANGED carries it (shared/queue.ts), for a phone (re)joining. */
export const queueSnapshotSchema = z.strictObject({
  version: z.string(),
  first: z.number().int().positive().nullable(),
  waiting: z.string(),
  length: z.number().int().nonnegative(),
  prep_seconds: z.number().int().nonnegative().nullable(),
  bartenders: z.number().int().positive(),
});
export const queueResponse = z.strictObject({ queue: queueSnapshotSchema });
