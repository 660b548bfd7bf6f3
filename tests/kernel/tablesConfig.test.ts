import assert from 'node:assert/strict';
import { test } from 'vitest';
import { join } from 'node:path';
import {
  loadTablesConfig,
  parseRebarFile,
  parseTablesConfig,
  TablesConfigError,
} from '../../orchestration/src/kernel/tablesConfig.js';
import { projectRoot } from '../support/projectRoot.js';

test('the shipped rebar.yml lists every demo source table with its keys', () => {
  const tables = loadTablesConfig(join(projectRoot, 'rebar.yml'));
  assert.equal(tables.length, 15);
  const events = tables.find((table) => table.name === 'area_events');
  assert.deepEqual(events, {
    name: 'area_events',
    primaryKey: ['event_id'],
    cursor: 'event_id',
    softDelete: undefined,
    mode: 'append',
    lookback: undefined,
    hardDeleteCheckHours: undefined,
  });
  assert.equal(tables.find((table) => table.name === 'projects')?.mode, 'merge');
});

test('a table without a primary key is rejected with the field named', () => {
  assert.throws(
    () => parseTablesConfig('tables:\n  - { name: projects, cursor: updated_at }\n', 'bad.yml'),
    (error: Error) => error instanceof TablesConfigError && /tables\.0\.primary_key/.test(error.message),
  );
});

test('unknown keys, duplicate tables, bad YAML and a missing file are clear errors', () => {
  assert.throws(
    () => parseTablesConfig('tables:\n  - { name: a, primary_key: [id], cursor: id, curser: x }\n', 'x.yml'),
    /Unrecognized key/,
  );
  assert.throws(
    () =>
      parseTablesConfig(
        'tables:\n  - { name: a, primary_key: [id], cursor: id }\n  - { name: a, primary_key: [id], cursor: id }\n',
        'x.yml',
      ),
    /listed twice/,
  );
  assert.throws(() => parseTablesConfig('tables: [\n', 'x.yml'), /not valid YAML/);
  assert.throws(() => loadTablesConfig('/nonexistent/rebar.yml'), /REBAR_TABLES_CONFIG/);
});

test('lookback is a count or an interval; anything else names the key and the expected form', () => {
  const [counted] = parseTablesConfig(
    'tables:\n  - { name: a, primary_key: [id], cursor: id, mode: append, lookback: 500 }\n',
    'x.yml',
  );
  assert.equal(counted?.mode === 'append' && counted.lookback, '500');
  const [timed] = parseTablesConfig(
    "tables:\n  - { name: a, primary_key: [id], cursor: updated_at, lookback: '2 hours' }\n",
    'x.yml',
  );
  assert.equal(timed?.mode === 'merge' && timed.lookback, '2 hours');
  assert.throws(
    () =>
      parseTablesConfig(
        "tables:\n  - { name: a, primary_key: [id], cursor: updated_at, lookback: 'a while' }\n",
        'x.yml',
      ),
    /tables\.0\.lookback: lookback must be a whole number of sequence values \(e\.g\. 1000\) or an interval like "15 minutes"/,
  );
});

test('without a primary key a table is copied in full, or appended by its sequence; merge needs a key', () => {
  const [log, snapshot] = parseTablesConfig(
    'tables:\n  - { name: gate_log, cursor: seq, mode: append }\n  - { name: rates, mode: full_refresh }\n',
    'x.yml',
  );
  assert.deepEqual([log?.mode, log?.primaryKey], ['append', ['seq']]);
  assert.deepEqual([snapshot?.mode, snapshot?.primaryKey], ['full_refresh', []]);
  assert.throws(
    () => parseTablesConfig('tables:\n  - { name: rates, cursor: updated_at }\n', 'x.yml'),
    /tables\.0\.primary_key: primary_key needs at least one column for mode merge \(or use mode: append or full_refresh\)/,
  );
});

test('the shipped rebar.yml prunes platform_events by category and created_at', () => {
  const events = loadTablesConfig(join(projectRoot, 'rebar.yml')).find((table) => table.name === 'platform_events');
  assert.deepEqual(events?.mode === 'append' && events.retention, {
    categoryColumn: 'category',
    timestampColumn: 'created_at',
  });
});

test('retention names both columns, only on incremental tables; anything else names the key and the fix', () => {
  assert.throws(
    () =>
      parseTablesConfig(
        'tables:\n  - { name: ev, primary_key: [id], cursor: id, mode: append, retention: { category_column: category } }\n',
        'x.yml',
      ),
    /x\.yml is not a valid Rebar tables config:\n {2}- tables\.0\.retention\.timestamp_column: /,
  );
  assert.throws(
    () =>
      parseTablesConfig(
        'tables:\n  - { name: ev, primary_key: [id], cursor: id, mode: append, retention: { category_column: category, timestamp_column: created_at, years: 2 } }\n',
        'x.yml',
      ),
    /tables\.0\.retention: Unrecognized key: "years"/,
  );
  assert.throws(
    () =>
      parseTablesConfig(
        'tables:\n  - { name: rates, mode: full_refresh, retention: { category_column: category, timestamp_column: created_at } }\n',
        'x.yml',
      ),
    /tables\.0\.retention: retention needs mode merge or append: a full_refresh table is copied whole every run, so pruned rows would come back/,
  );
});

test('publish: defaults to the marts and the run history; schemas listed are kept, _rebar and unknown keys refused', () => {
  const tables = 'tables:\n  - { name: a, primary_key: [id], cursor: id }\n';
  assert.deepEqual(parseRebarFile(tables, 'x.yml').publish, {
    schemas: ['marts'],
    runHistory: true,
    schemasConfigured: false,
  });
  assert.deepEqual(
    parseRebarFile(`publish: { schemas: [marts, seeds, marts], run_history: false }\n${tables}`, 'x.yml').publish,
    { schemas: ['marts', 'seeds'], runHistory: false, schemasConfigured: true },
  );
  assert.deepEqual(parseRebarFile(`publish: { run_history: false }\n${tables}`, 'x.yml').publish, {
    schemas: ['marts'],
    runHistory: false,
    schemasConfigured: false,
  });
  assert.throws(
    () => parseRebarFile(`publish: { schemas: [_rebar] }\n${tables}`, 'x.yml'),
    /publish\.schemas\.0: _rebar is Rebar's bookkeeping: publish its run history with run_history: true instead/,
  );
  assert.throws(
    () => parseRebarFile(`publish: { schemas: [] }\n${tables}`, 'x.yml'),
    /publish\.schemas: list at least one schema/,
  );
  assert.throws(() => parseRebarFile(`publish: { schema: [marts] }\n${tables}`, 'x.yml'), /publish: Unrecognized key/);
});

test('mode cdc needs a primary key and refuses the settings the log makes pointless, naming each', () => {
  const [table] = parseTablesConfig('tables:\n  - { name: badges, primary_key: [id], mode: cdc }\n', 'rebar.yml');
  assert.deepEqual(table, {
    name: 'badges',
    primaryKey: ['id'],
    softDelete: undefined,
    hardDeleteCheckHours: undefined,
    mode: 'cdc',
  });
  assert.throws(
    () =>
      parseTablesConfig(
        'tables:\n  - { name: badges, mode: cdc, cursor: updated_at, lookback: 10, hard_delete_check_hours: 0 }\n',
        'rebar.yml',
      ),
    (error: Error) =>
      error instanceof TablesConfigError &&
      /tables\.0\.primary_key: primary_key needs at least one column for mode cdc/.test(error.message) &&
      /tables\.0\.cursor: cursor does not apply to mode cdc \(the write-ahead log orders the changes\): remove it/.test(
        error.message,
      ) &&
      /tables\.0\.lookback: lookback does not apply to mode cdc/.test(error.message) &&
      /tables\.0\.hard_delete_check_hours: hard_delete_check_hours does not apply to mode cdc \(deletes arrive from the log\)/.test(
        error.message,
      ),
  );
});
