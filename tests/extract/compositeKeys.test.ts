import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;

/**
 * One table, four ways of keying it: the cursor first in the key, the cursor in the key but not
 * first (the `payment` case from issue 13), the cursor not in the key, and a key without the cursor
 * whose first column is not the cursor either. Each is read in several small chunks, then changed
 * and read again, with and without a lookback window.
 */
const layouts: { label: string; primaryKey: string[] }[] = [
  { label: 'cursor first in the key', primaryKey: ['payment_date', 'payment_id'] },
  { label: 'cursor in the key but not first', primaryKey: ['payment_id', 'payment_date'] },
  { label: 'cursor not in the key', primaryKey: ['payment_id', 'line_no'] },
  { label: 'cursor between two key columns', primaryKey: ['payment_id', 'payment_date', 'line_no'] },
];

// The key pass runs every time: where the cursor is part of the key, moving a row's cursor gives it a
// new key, and the pass is what retires the old one.
const payment = (primaryKey: string[], lookback: string): IncrementalTableConfig => ({
  name: 'payment',
  primaryKey,
  cursor: 'payment_date',
  softDelete: undefined,
  mode: 'merge',
  lookback,
  hardDeleteCheckHours: 0,
});

beforeAll(async () => {
  source = await startTempPostgres();
});

async function createSource(): Promise<void> {
  // Several payments share each payment_date, so chunks split runs of equal cursor values; no
  // primary key in the source: the tables config declares it, as it may for a view.
  await source.client.query(`
    drop table if exists payment;
    create table payment (payment_id bigint not null, line_no int not null, payment_date timestamptz not null, amount numeric(12, 2));
    insert into payment select n, n % 3, timestamptz '2026-01-01' + (n / 7) * interval '1 hour', n * 1.25 from generate_series(0, 249) as n;
  `);
}

afterAll(async () => {
  await source?.close();
});

/** Each step's changes share one new cursor value, later than every row before them. */
async function changeSource(step: number): Promise<void> {
  const at = `timestamptz '2026-03-01' + ${step} * interval '1 day'`;
  // Updated rows move past the watermark; the inserted row has a key below every other.
  await source.client.query(
    `update payment set amount = amount + ${step}, payment_date = ${at} where payment_id % 5 = ${step}`,
  );
  await source.client.query(`insert into payment values (${-step}, 0, ${at}, ${step})`);
}

describe.each(layouts)('a composite key with the $label', ({ primaryKey }) => {
  for (const lookback of ['0', '1 hour']) {
    test(`loads in chunks and stays equal to the source, value by value, over incremental runs (lookback ${lookback})`, async () => {
      await createSource();
      const path = join(mkdtempSync(join(tmpdir(), 'rebar-composite-')), 'warehouse.duckdb');
      const loader = new DuckDbWarehouse(path, `${path}.published`);
      const table = payment(primaryKey, lookback);
      const first = await extractOnce(source.client, loader, table, 'load-1', 40);
      assert.ok(first.chunks >= 6, `read in several chunks (${first.chunks})`);
      assert.equal(first.rowsWritten, 250);
      assert.deepEqual((await compareTables(source.client, path, [table])).mismatches, []);
      for (const step of [1, 2]) {
        await changeSource(step);
        const next = await extractOnce(source.client, loader, table, `load-${step + 1}`, 40);
        assert.ok(next.rowsWritten > 0, 'the changed rows are written');
        assert.deepEqual((await compareTables(source.client, path, [table])).mismatches, []);
        assert.equal(next.warehouseRows, next.sourceRows);
      }
      const watermark = await loader.getWatermark(table);
      assert.equal(
        watermark?.primaryKey.length,
        primaryKey.length,
        "the watermark stores one value per key column, in the key's order",
      );
    });
  }
});
