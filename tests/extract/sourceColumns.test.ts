import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { readSourceColumns, SourceTableError } from '../../orchestration/src/extract/sourceColumns.js';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const base: TableConfig = {
  name: 'orders',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: 'deleted_at',
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
};

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(
    'create table orders (id bigint primary key, modified timestamptz, deleted_at timestamptz)',
  );
});

afterAll(async () => {
  await source?.close();
});

test('a configured cursor, key or soft-delete column the table lacks is named, with the columns it has', async () => {
  for (const [table, pattern] of [
    [base, /Table orders: cursor column "updated_at" does not exist; columns are id, modified, deleted_at/],
    [{ ...base, cursor: 'modified', primaryKey: ['order_id'] }, /primary key column "order_id" does not exist/],
    [{ ...base, cursor: 'modified', softDelete: 'removed_at' }, /soft-delete column "removed_at" does not exist/],
  ] as [TableConfig, RegExp][]) {
    const error = await readSourceColumns(source.client, table).catch((caught: unknown) => caught);
    assert.ok(error instanceof SourceTableError);
    assert.match(error.message, pattern);
  }
});
