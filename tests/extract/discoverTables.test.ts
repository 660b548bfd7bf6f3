import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import {
  discoverSourceTables,
  discoverTables,
  type DiscoveredTable,
} from '../../orchestration/src/extract/discoverTables.js';
import {
  DEFAULT_CURSOR_COLUMNS,
  DEFAULT_SOFT_DELETE_COLUMNS,
  type DiscoverSettings,
  type TableConfig,
  isCursorTable,
} from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table tickets (ticket_no text, project_id bigint, title text, modified_at timestamptz not null default now(), deleted_at timestamptz, primary key (project_id, ticket_no));
    create table cost_codes (code text primary key, label text);
    create table weather_log (station text, reading numeric(5, 1), taken_on date);
    create table scratch (id int primary key);
    create table configured_one (id bigint primary key, touched timestamptz);
    insert into cost_codes values ('03-300', 'Cast-in-place concrete'), ('09-250', 'Gypsum board');
    insert into weather_log values ('north', 71.5, '2026-06-01'), ('north', 71.5, '2026-06-01'), ('south', null, null);

    create schema shop;
    create schema ops;
    -- last_update, not indexed: chosen, with a warning
    create table shop.actor (actor_id serial primary key, first_name text, last_update timestamp not null default now());
    -- two cursor names: the indexed one wins over the preferred name
    create table shop.rental (rental_id int primary key, updated_at timestamptz, last_update timestamptz, deleted_at timestamptz);
    create index rental_last_update on shop.rental (last_update);
    -- no primary key: a unique index on NOT NULL columns is the key; no cursor
    create table shop.language (name char(20) not null, code text not null, note text);
    create unique index language_code on shop.language (code);
    create table shop.payment (payment_id int, payment_date timestamptz, last_update timestamptz not null, primary key (payment_id, payment_date)) partition by range (payment_date);
    create table shop.payment_2026_01 partition of shop.payment for values from ('2026-01-01') to ('2026-02-01');
    create table shop.payment_2026_02 partition of shop.payment for values from ('2026-02-01') to ('2026-03-01');
    create view shop.actor_names as select actor_id, first_name from shop.actor;
    create materialized view shop.rental_counts as select count(*) as rentals from shop.rental;
    create table shop.audit_log (id bigint generated always as identity primary key, note text);
    create table shop.touched_things (id int primary key, row_touched_at timestamptz);
    create index touched_things_row_touched_at on shop.touched_things (row_touched_at);
    create table shop.tmp_scratch (id int, last_update int);
    create table ops.crews (id int primary key, last_update timestamptz);
  `);
});

afterAll(async () => {
  await source?.close();
});

test('--all discovers every table: declared keys, cursor and soft delete by convention, full refresh where nothing tracks changes', async () => {
  const configured: TableConfig = {
    name: 'configured_one',
    primaryKey: ['id'],
    cursor: 'touched',
    softDelete: undefined,
    mode: 'merge',
    lookback: '1 hour',
    hardDeleteCheckHours: undefined,
  };
  const tables = await discoverTables(source.client, {
    configured: [configured],
    discover: settings({ exclude: ['scratch'] }),
  });
  assert.deepEqual(tables, [
    configured,
    {
      name: 'cost_codes',
      primaryKey: ['code'],
      softDelete: undefined,
      hardDeleteCheckHours: undefined,
      mode: 'full_refresh',
    },
    {
      name: 'tickets',
      primaryKey: ['project_id', 'ticket_no'],
      softDelete: 'deleted_at',
      hardDeleteCheckHours: undefined,
      mode: 'merge',
      cursor: 'modified_at',
      lookback: undefined,
    },
    {
      name: 'weather_log',
      primaryKey: [],
      softDelete: undefined,
      hardDeleteCheckHours: undefined,
      mode: 'full_refresh',
    },
  ]);
});

test('a full-refresh table without a primary key is replaced whole each run, duplicates and all', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-discover-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const weather: TableConfig = {
    name: 'weather_log',
    primaryKey: [],
    softDelete: undefined,
    hardDeleteCheckHours: undefined,
    mode: 'full_refresh',
  };
  const first = await extractOnce(source.client, loader, weather, 'run-1');
  assert.deepEqual([first.rowsExtracted, first.sourceRows, first.warehouseRows], [3, 3, 3]);
  await source.client.query(
    "delete from weather_log where station = 'south'; insert into weather_log values ('east', -4.5, '2026-01-15')",
  );
  const second = await extractOnce(source.client, loader, weather, 'run-2');
  assert.deepEqual([second.sourceRows, second.warehouseRows], [3, 3]);
  const rows = await queryDuckDb(
    warehouse,
    'select station, reading::varchar as reading, taken_on::varchar as taken_on from raw.weather_log order by station, reading',
  );
  assert.deepEqual(rows, [
    { station: 'east', reading: '-4.5', taken_on: '2026-01-15' },
    { station: 'north', reading: '71.5', taken_on: '2026-06-01' },
    { station: 'north', reading: '71.5', taken_on: '2026-06-01' },
  ]);
});

function settings(overrides: Partial<DiscoverSettings>): DiscoverSettings {
  return {
    schemas: ['public'],
    include: [],
    exclude: [],
    cursorColumns: DEFAULT_CURSOR_COLUMNS,
    softDeleteColumns: DEFAULT_SOFT_DELETE_COLUMNS,
    ...overrides,
  };
}

function byName(discovered: DiscoveredTable[], name: string): DiscoveredTable {
  const found = discovered.find((candidate) => candidate.table.name === name);
  assert.ok(found, `${name} not discovered; got ${discovered.map((candidate) => candidate.table.name).join(', ')}`);
  return found;
}

function assertReason(discovered: DiscoveredTable, pattern: RegExp): void {
  assert.ok(
    discovered.reasons.some((reason) => pattern.test(reason)),
    `${discovered.table.name}: no reason matches ${pattern}; reasons: ${discovered.reasons.join(' | ')}`,
  );
}

test('two schemas: Rebar names outside public, partitions only through their parent, views copied whole, exclude patterns on schema.table', async () => {
  const discovered = await discoverSourceTables(source.client, {
    configured: [],
    discover: settings({ schemas: ['shop', 'ops'], exclude: ['shop.tmp_*'] }),
  });
  assert.deepEqual(
    discovered.map((entry) => [entry.table.name, entry.relationKind]),
    [
      ['shop__actor', 'table'],
      ['shop__actor_names', 'view'],
      ['shop__audit_log', 'table'],
      ['shop__language', 'table'],
      ['shop__payment', 'partitioned table'],
      ['shop__rental', 'table'],
      ['shop__rental_counts', 'materialized view'],
      ['shop__touched_things', 'table'],
      ['ops__crews', 'table'],
    ],
  );
  assert.deepEqual(byName(discovered, 'ops__crews').table, {
    name: 'ops__crews',
    source: { schema: 'ops', table: 'crews' },
    primaryKey: ['id'],
    softDelete: undefined,
    hardDeleteCheckHours: 0,
    mode: 'merge',
    cursor: 'last_update',
    lookback: undefined,
  });
  const payment = byName(discovered, 'shop__payment');
  assert.deepEqual(payment.table, {
    name: 'shop__payment',
    source: { schema: 'shop', table: 'payment' },
    primaryKey: ['payment_id', 'payment_date'],
    softDelete: undefined,
    hardDeleteCheckHours: 0,
    mode: 'merge',
    cursor: 'last_update',
    lookback: undefined,
  });
  assertReason(
    payment,
    /partitioned table: read through the parent, so its 2 partition\(s\) are not listed separately/,
  );
  for (const name of ['shop__actor_names', 'shop__rental_counts']) {
    const view = byName(discovered, name);
    assert.deepEqual([view.table.mode, view.table.primaryKey], ['full_refresh', []]);
    assertReason(view, new RegExp(`^${view.relationKind}: copied whole each run \\(full_refresh\\)`));
  }
});

test('cursor: last_update by name, an indexed cursor name preferred and said so, an unindexed one warned about; no soft delete means a key pass every run', async () => {
  const discovered = await discoverSourceTables(source.client, {
    configured: [],
    discover: settings({ schemas: ['shop'] }),
  });
  const actor = byName(discovered, 'shop__actor');
  assert.deepEqual(actor.table, {
    name: 'shop__actor',
    source: { schema: 'shop', table: 'actor' },
    primaryKey: ['actor_id'],
    softDelete: undefined,
    hardDeleteCheckHours: 0,
    mode: 'merge',
    cursor: 'last_update',
    lookback: undefined,
  });
  assertReason(
    actor,
    /^cursor: last_update \(timestamp without time zone\), a cursor name, NOT indexed: each run scans the whole table/,
  );
  assertReason(actor, /hard_delete_check_hours: 0; raise it for very large tables/);
  const rental = byName(discovered, 'shop__rental');
  // updated_at comes first in cursorColumns, but only last_update leads an index.
  assert.deepEqual(rental.table, {
    name: 'shop__rental',
    source: { schema: 'shop', table: 'rental' },
    primaryKey: ['rental_id'],
    softDelete: 'deleted_at',
    hardDeleteCheckHours: undefined,
    mode: 'merge',
    cursor: 'last_update',
    lookback: undefined,
  });
  assertReason(
    rental,
    /^cursor: last_update \(timestamp with time zone\), a cursor name, indexed; also named like a cursor: updated_at$/,
  );
  assertReason(rental, /^soft delete: deleted_at/);
  const touched = byName(discovered, 'shop__touched_things');
  assert.deepEqual(
    [touched.table.mode, isCursorTable(touched.table) ? touched.table.cursor : undefined],
    ['merge', 'row_touched_at'],
  );
  assertReason(
    touched,
    /^cursor: row_touched_at .*proposed: not a configured cursor name, but indexed and named like an update time/,
  );
});

test('no cursor is explained (identity keys are not cursors); a unique index on NOT NULL columns stands in for a missing primary key', async () => {
  const discovered = await discoverSourceTables(source.client, {
    configured: [],
    discover: settings({ schemas: ['shop'] }),
  });
  const language = byName(discovered, 'shop__language');
  assert.deepEqual(language.table, {
    name: 'shop__language',
    source: { schema: 'shop', table: 'language' },
    primaryKey: ['code'],
    softDelete: undefined,
    hardDeleteCheckHours: undefined,
    mode: 'full_refresh',
  });
  assertReason(language, /^key: no primary key; using the unique index on NOT NULL column\(s\) \(code\)$/);
  assertReason(language, /^no cursor: copied whole each run \(full_refresh\)$/);
  const audit = byName(discovered, 'shop__audit_log');
  assert.deepEqual([audit.table.mode, audit.table.primaryKey], ['full_refresh', ['id']]);
  assertReason(audit, /generated key id is not used as a cursor: it misses updates to existing rows/);
  const scratch = byName(discovered, 'shop__tmp_scratch');
  assertReason(scratch, /^key: none/);
  assertReason(
    scratch,
    /^last_update is named like a cursor but is integer, not a timestamp or date: not used as one$/,
  );
});

test('include patterns on table or schema.table; listed tables keep their settings; an unknown schema and a raw name two relations share are refused by name', async () => {
  const listed: TableConfig = {
    name: 'ops__crews',
    source: { schema: 'ops', table: 'crews' },
    primaryKey: ['id'],
    softDelete: undefined,
    hardDeleteCheckHours: 24,
    mode: 'merge',
    cursor: 'last_update',
    lookback: '1 hour',
  };
  const discovered = await discoverSourceTables(source.client, {
    configured: [listed],
    discover: settings({ schemas: ['shop', 'ops'], include: ['ops.*', 'act?r', 'pay*'] }),
  });
  assert.deepEqual(
    discovered.map((entry) => entry.table.name),
    ['shop__actor', 'shop__payment', 'ops__crews'],
  );
  assert.deepEqual(byName(discovered, 'ops__crews').table, listed);
  assertReason(byName(discovered, 'ops__crews'), /^listed in the tables config: its settings are kept$/);
  await assert.rejects(
    discoverTables(source.client, { configured: [], discover: settings({ schemas: ['shop', 'sales'] }) }),
    /Source schema\(s\) sales not found .*the database has .*ops, public, shop.*Fix discover.schemas/,
  );
  await source.client.query('create table public.shop__actor (id int primary key)');
  try {
    await assert.rejects(
      discoverTables(source.client, { configured: [], discover: settings({ schemas: ['public', 'shop'] }) }),
      /^SourceSchemaError: public\.shop__actor and shop\.actor would both land as raw\.shop__actor: leave one out with an exclude pattern/,
    );
    const excluded = await discoverTables(source.client, {
      configured: [],
      discover: settings({ schemas: ['public', 'shop'], exclude: ['public.shop__*'] }),
    });
    assert.equal(excluded.filter((table) => table.name === 'shop__actor').length, 1);
  } finally {
    await source.client.query('drop table public.shop__actor');
  }
});
