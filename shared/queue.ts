/**
 * The line (issue 17): which open orders wait, in which order, and how long. The server
 * builds snapshots (server/orders/queue.service.ts) and publishes them on one public channel;
 * each phone finds its own order in them with the functions below, so one change costs one
 * message per listening phone, never one per guest per order ahead.
 *
 * A snapshot names no order, guest or drink: only the anonymous tickets (an increasing number
 * each order takes when it is placed) of the orders in line, as a bitmap, and two numbers for
 * the wait.
 */
import { isInLine } from './order-status.ts';

/** A snapshot of the line, as QUEUE_CHANGED and GET /api/queue carry it. */
export interface QueueSnapshot {
  /**
   * Every order change up to this version (an order `version`) is in the snapshot; compare as
   * integers. A phone keeps the snapshot with the highest version.
   */
  version: string;
  /** The lowest ticket in line; null when the line is empty. */
  first: number | null;
  /** Base64 bitmap: bit i (least significant first in each byte) is set when ticket `first + i` is in line. */
  waiting: string;
  /** How many orders are in line. */
  length: number;
  /** The expected preparation time of an order in this line, in seconds; null with no data tonight. */
  prep_seconds: number | null;
  /** How many people are making drinks now (at least 1). */
  bartenders: number;
}

/** An order's place: its ticket, its position (1 = next) and the wait, or nulls when not in line. */
export interface QueuePlace {
  queue_ticket: number | null;
  queue_position: number | null;
  eta_seconds: number | null;
}

export const NOT_IN_LINE: QueuePlace = { queue_ticket: null, queue_position: null, eta_seconds: null };

/**
 * The wait for the order at `position`: the first `bartenders` orders are made side by side,
 * so position p is done after ceil(p / bartenders) rounds of one expected preparation each.
 * Null while there is no preparation time to go on.
 */
export function etaSeconds(position: number, prepSeconds: number | null, bartenders: number): number | null {
  if (prepSeconds === null) return null;
  return Math.ceil(position / Math.max(1, bartenders)) * prepSeconds;
}

/** The bitmap of sorted, distinct tickets. */
export function encodeWaiting(tickets: readonly number[]): Pick<QueueSnapshot, 'first' | 'waiting' | 'length'> {
  if (tickets.length === 0) return { first: null, waiting: '', length: 0 };
  const first = tickets[0]!;
  const bytes = new Uint8Array(((tickets[tickets.length - 1]! - first) >> 3) + 1);
  for (const ticket of tickets) {
    const bit = ticket - first;
    bytes[bit >> 3]! |= 1 << (bit & 7);
  }
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { first, waiting: btoa(binary), length: tickets.length };
}

function bitCount(byte: number): number {
  let count = 0;
  for (let b = byte; b !== 0; b &= b - 1) count++;
  return count;
}

/** The 1-based position of `ticket` in the snapshot's line, or null when it is not in line. */
export function positionIn(snapshot: Pick<QueueSnapshot, 'first' | 'waiting'>, ticket: number): number | null {
  if (snapshot.first === null || ticket < snapshot.first) return null;
  const bit = ticket - snapshot.first;
  let bytes: string;
  try {
    bytes = atob(snapshot.waiting);
  } catch {
    return null;
  }
  const byteIndex = bit >> 3;
  if (byteIndex >= bytes.length) return null;
  const last = bytes.charCodeAt(byteIndex);
  if ((last & (1 << (bit & 7))) === 0) return null;
  let position = 0;
  for (let i = 0; i < byteIndex; i++) position += bitCount(bytes.charCodeAt(i));
  // The bits below the ticket's own in its byte, and the ticket itself.
  return position + bitCount(last & ((2 << (bit & 7)) - 1));
}

/** An order's place as the snapshot tells it, or null when the order is not in it. */
export function placeIn(snapshot: QueueSnapshot, ticket: number): QueuePlace | null {
  const position = positionIn(snapshot, ticket);
  if (position === null) return null;
  return { queue_ticket: ticket, queue_position: position, eta_seconds: etaSeconds(position, snapshot.prep_seconds, snapshot.bartenders) };
}

/** Whether snapshot `a` is at least as recent as `b` (versions are decimal integers). */
export function snapshotAtLeast(a: Pick<QueueSnapshot, 'version'>, b: Pick<QueueSnapshot, 'version'> | null): boolean {
  return b === null || BigInt(a.version) >= BigInt(b.version);
}

/** What a phone knows of one of its orders: the last view the server gave of it. */
export interface KnownOrder extends Partial<QueuePlace> {
  status: string;
  /** null for an order the server has not accepted yet. */
  version: string | null;
}

/**
 * The place a phone shows for its order: from the snapshot once the snapshot has seen the
 * order's last change (its version is at least the order's), else the order's own view (a
 * POST answer or a status event newer than the last snapshot).
 */
export function currentPlace(order: KnownOrder, snapshot: QueueSnapshot | null): QueuePlace {
  if (!isInLine(order.status) || order.version === null) return NOT_IN_LINE;
  const ticket = order.queue_ticket ?? null;
  if (snapshot && ticket !== null && BigInt(snapshot.version) >= BigInt(order.version)) return placeIn(snapshot, ticket) ?? NOT_IN_LINE;
  return { queue_ticket: ticket, queue_position: order.queue_position ?? null, eta_seconds: order.eta_seconds ?? null };
}
