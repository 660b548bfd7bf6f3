import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import { captureChanges } from '../../orchestration/src/cdc/captureChanges.js';
import { quotedSourceRelation } from '../../orchestration/src/extract/sourceRelation.js';
import type { CdcTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import {
  applyRentalYardChanges,
  createRentalYardDatabase,
  discoverRentalYard,
  loadRentalYard,
  RENTAL_YARD_SCHEMAS,
} from '../support/rentalYard.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

// The rental-yard fixture (tests/fixtures/rental_yard, written for `rebar init`, not for cdc): every
// table with a primary key in mode cdc (two schemas, a partitioned table, composite keys, arrays,
// bytea, intervals, char(n)), then its app's day of edits (cascading hard deletes, an added column):
// raw equal to the source by value on every column after each capture.
let cluster: TempPostgres;
let yard: pg.Client;
let yardUrl: string;

beforeAll(async () => {
  cluster = await startTempPostgres();
  yardUrl = await createRentalYardDatabase(cluster.connectionString);
  await loadRentalYard(yardUrl);
  yard = new pg.Client({ connectionString: yardUrl });
  await yard.connect();
});

afterAll(async () => {
  await yard?.end();
  await cluster?.close();
});

test("a foreign schema's tables in mode cdc, and a day of its app's edits, equal to the source by value", async () => {
  const discovered = await discoverRentalYard(yard);
  // Only tables reach the log, and deletes carry the primary key (the default replica identity).
  const tables: CdcTableConfig[] = [];
  for (const table of discovered) {
    const { rows } = await yard.query<{ keyed: boolean }>(
      `select c.relkind in ('r', 'p') and exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary) as keyed
         from pg_class c where c.oid = $1::regclass`,
      [quotedSourceRelation(table)],
    );
    if (rows[0]?.keyed) tables.push({ ...table, mode: 'cdc', hardDeleteCheckHours: undefined });
  }
  assert.ok(tables.length >= 8, `${tables.length} keyed tables`);
  const workDir = mkdtempSync(join(tmpdir(), 'rebar-cdc-yard-'));
  const warehousePath = join(workDir, 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehousePath, join(workDir, 'published.duckdb'));
  const capture = (loadId: string) =>
    captureChanges({
      sourceUrl: yardUrl,
      loader,
      tables,
      settings: { slot: 'rebar', publication: 'rebar', maxRetainedWalBytes: 1 << 30 },
      loadId,
      workDir,
      chunkRows: 7,
    });
  const assertEqual = async (night: string) =>
    assert.deepEqual(
      await sourceEqualsWarehouse({
        sourceUrl: yardUrl,
        warehousePath,
        schemas: RENTAL_YARD_SCHEMAS,
        tables: tables.map((table) => table.name),
      }),
      [],
      night,
    );
  await capture('night-1');
  await assertEqual('night 1');
  await applyRentalYardChanges(yardUrl);
  const second = await capture('night-2');
  await assertEqual('night 2');
  const tombstoned = second.tables.reduce((sum, table) => sum + table.rowsTombstoned, 0);
  const changed = second.tables.filter((table) => table.changes > 0).map((table) => table.table);
  console.log(
    `${tables.length} tables in mode cdc (${tables.map((table) => table.name).join(', ')}); night 2: ${changed.length} changed (${changed.join(', ')}), ${tombstoned} rows tombstoned`,
  );
  assert.ok(tombstoned >= 10, `the app's cascading hard deletes were tombstoned (${tombstoned})`);
});
