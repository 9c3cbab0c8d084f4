import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_COLUMNS } from '../../server/orders/order-presenter.ts';
import { ACTIVE_STATUSES, QUEUE_STATUSES } from '../../shared/order-status.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Rules the database must enforce too are written once in TypeScript; these read the SQL back
 * from the database itself (the definitions in force, whatever migrations made them) and
 * compare.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** The quoted statuses of every `status IN (…)` / `= ANY (ARRAY[…])` list in a definition. */
function statusLists(definition: string): string[][] {
  const lists: string[][] = [];
  for (const match of definition.matchAll(/status\)?\s*(?:IN\s*\(|=\s*ANY\s*\(\s*(?:\(\s*)?ARRAY\[)([^)\]]*)/gi)) {
    lists.push([...match[1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!));
  }
  return lists;
}

describe('one list of active statuses', () => {
  it('place_order() counts exactly ACTIVE_STATUSES against the limit', async () => {
    const { rows } = await server.db.query<{ def: string }>("SELECT pg_get_functiondef('place_order'::regproc) AS def");
    const lists = statusLists(rows[0]!.def);
    expect(lists).toHaveLength(1);
    expect([...lists[0]!].sort()).toEqual([...ACTIVE_STATUSES].sort());
  });

  it('the open-order indexes cover exactly ACTIVE_STATUSES, the line’s exactly QUEUE_STATUSES', async () => {
    const { rows } = await server.db.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orders' AND indexdef ILIKE '%WHERE%status%' ORDER BY indexname",
    );
    expect(rows.map((r) => r.indexname)).toEqual(['orders_open', 'orders_queue', 'orders_user_open']);
    for (const row of rows) {
      const lists = statusLists(row.indexdef);
      expect(lists, row.indexdef).toHaveLength(1);
      const expected = row.indexname === 'orders_queue' ? QUEUE_STATUSES : ACTIVE_STATUSES;
      expect([...lists[0]!].sort(), row.indexname).toEqual([...expected].sort());
    }
  });

  it('the parser above finds a list that differs (it can fail)', () => {
    expect(statusLists("WHERE (status = ANY (ARRAY['pending'::text, 'ready'::text]))")).toEqual([['pending', 'ready']]);
    expect(statusLists("AND o.status IN ('pending', 'preparing')")).toEqual([['pending', 'preparing']]);
  });
});

describe('one column list for order rows', () => {
  it('place_order() answers with the presenter’s columns, by the same names, after its outcome', async () => {
    const { rows } = await server.db.query<{ names: string[] }>(
      "SELECT proargnames AS names FROM pg_proc WHERE proname = 'place_order'",
    );
    const outNames = rows[0]!.names.filter((name) => !name.startsWith('p_'));
    // Commas inside parentheses (COALESCE(a, b) AS name) do not separate columns.
    const presenterNames = ORDER_COLUMNS.split(/,(?![^(]*\))/).map((column) => column.trim().split(/\s+AS\s+|\./i).pop()!);
    expect(outNames).toEqual(['outcome', ...presenterNames]);
  });

  it('place_orders() (orders placed together, migration 0023) answers place_order()’s columns, by the same names and types', async () => {
    const { rows } = await server.db.query<{ proname: string; names: string[]; types: string }>(
      `SELECT proname, proargnames AS names, array_to_string(proallargtypes::regtype[], ',') AS types
         FROM pg_proc WHERE proname IN ('place_order', 'place_orders') ORDER BY proname`,
    );
    const columns = (row: { names: string[]; types: string }) => {
      const types = row.types.split(',');
      return row.names.map((name, i) => `${name} ${types[i]}`).filter((column) => !column.startsWith('p_'));
    };
    expect(rows.map((row) => row.proname)).toEqual(['place_order', 'place_orders']);
    expect(columns(rows[1]!)).toEqual(columns(rows[0]!));
  });
});
