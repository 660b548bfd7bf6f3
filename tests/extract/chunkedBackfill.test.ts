import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import type { Warehouse } from '../../orchestration/src/warehouse/warehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const readings = (lookback?: string): TableConfig => ({
  name: 'readings',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback,
  hardDeleteCheckHours: undefined,
});

beforeAll(async () => {
  source = await startTempPostgres();
  // One statement: all 2,500 rows share the same updated_at, so chunks split a run of equal cursor values.
  await source.client.query(`
    create table readings (id bigint primary key, value numeric(10, 3), updated_at timestamptz not null default now());
    insert into readings (id, value) select n, n / 7.0 from generate_series(1, 2500) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

function newWarehouse(): { path: string; loader: DuckDbWarehouse } {
  const path = join(mkdtempSync(join(tmpdir(), 'rebar-chunks-')), 'warehouse.duckdb');
  return { path, loader: new DuckDbWarehouse(path, `${path}.published`) };
}

test('a large table loads in chunks, each committed with its watermark; equal cursor values split across chunks lose and duplicate nothing', async () => {
  const { path, loader } = newWarehouse();
  const output = await extractOnce(source.client, loader, readings(), 'backfill', 1000);
  console.log(
    `backfill: ${output.chunks} chunks, ${output.rowsExtracted} rows extracted, ${output.rowsWritten} written`,
  );
  assert.deepEqual([output.chunks, output.rowsExtracted, output.rowsWritten], [3, 2500, 2500]);
  assert.deepEqual((await compareTables(source.client, path, [readings()])).mismatches, []);
});

test('a run interrupted after its first chunk resumes from the last committed chunk', async () => {
  const { path, loader } = newWarehouse();
  let loads = 0;
  class FailsOnSecondChunk extends DuckDbWarehouse {
    override async loadFile(input: Parameters<Warehouse['loadFile']>[0]) {
      loads += 1;
      if (loads === 2) throw new Error('worker killed');
      return super.loadFile(input);
    }
  }
  const failsOnSecondChunk = new FailsOnSecondChunk(path, `${path}.published`);
  await assert.rejects(
    extractOnce(source.client, failsOnSecondChunk, readings('0'), 'attempt-1', 1000),
    /worker killed/,
  );
  const committed = await loader.getWatermark(readings('0'));
  assert.deepEqual(committed?.primaryKey, ['1000'], 'the first chunk and its watermark are committed');

  const resumed = await extractOnce(source.client, loader, readings('0'), 'attempt-2', 1000);
  console.log(`resumed: ${resumed.chunks} chunks, ${resumed.rowsExtracted} rows extracted after the committed 1000`);
  assert.equal(resumed.rowsExtracted, 1500, 'only the rows after the committed chunk are read again');
  assert.deepEqual((await compareTables(source.client, path, [readings('0')])).mismatches, []);
});
