import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { loadConfig } from '../../../orchestration/src/config/config.js';
import { readSourceColumns } from '../../../orchestration/src/extract/sourceColumns.js';
import type { FullRefreshTableConfig, IncrementalTableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { loadRetentionPolicy } from '../../../orchestration/src/retention/retentionPolicy.js';
import { retentionCutoffs } from '../../../orchestration/src/retention/retentionCutoffs.js';
import type { RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { DEFAULT_PUBLISH_SETTINGS } from '../../../orchestration/src/kernel/publishSettings.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { tableRunResult } from '../../support/tableRunResult.js';
import { createTicketsAndEvents } from '../../support/ticketsSource.js';
import { duckdb, fakesnow, type ContractBackend } from './backends.js';

// One contract, two warehouses: every case runs the same calls through the Warehouse interface on
// DuckDB and on the Snowflake emulator, each against its own real Postgres source, and compares values.
const tickets: IncrementalTableConfig = {
  name: 'tickets',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: 'deleted_at',
  mode: 'merge',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};
const events: IncrementalTableConfig = {
  name: 'events',
  primaryKey: ['event_id'],
  cursor: 'event_id',
  softDelete: undefined,
  mode: 'append',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};
const crews: FullRefreshTableConfig = {
  name: 'crews',
  primaryKey: [],
  softDelete: undefined,
  mode: 'full_refresh',
  hardDeleteCheckHours: undefined,
};
const NOW = new Date();
const cutoffs = retentionCutoffs(loadRetentionPolicy(loadConfig({}).retentionPolicyPath), NOW);

const ticketsInRaw =
  "select cast(id as varchar) as id, title, cast(amount as varchar) as amount, cast(is_billable as varchar) as is_billable, cast(work_date as varchar) as work_date, case when deleted_at is null then 'live' else 'soft-deleted' end as state from raw.tickets order by id";

function summary(
  runId: string,
  status: RunSummary['status'],
  startedAt: string,
  extra: Partial<RunSummary> = {},
): RunSummary {
  return {
    runId,
    workflowId: `wf-${runId}`,
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 600_000).toISOString(),
    status,
    kind: 'nightly',
    tables: [
      {
        table: 'tickets',
        status: 'success',
        rowsExtracted: 3,
        rowsWritten: 2,
        rowsTombstoned: 0,
        bytes: 120,
        durationMs: 40,
        schemaChanges: [],
        sourceRows: 3,
        warehouseRows: 3,
      },
    ],
    models: [
      {
        uniqueId: 'model.rebar.fct_alerts',
        resourceType: 'model',
        status: status === 'success' ? 'success' : 'error',
        durationSeconds: 0.5,
        attachedNode: null,
        message: status === 'success' ? null : 'Binder Error: column x not found',
      },
    ],
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'contract test' },
    published: status === 'success',
    ...extra,
  };
}

describe.each([duckdb, fakesnow])('the Warehouse contract on $name', (factory) => {
  let source: TempPostgres;
  let backend: ContractBackend;

  beforeAll(async () => {
    [source, backend] = await Promise.all([startTempPostgres(), factory.start()]);
    await createTicketsAndEvents(source.client);
    await source.client.query(`
      insert into tickets (id, title, amount, is_billable, details, work_date, updated_at) values
        (1, 'Pour slab', 1234.56, true, '{"crew": ["a"]}', '2026-01-05', '2026-01-05 10:00:00.000001+00'),
        (2, 'Rebar tie', null, false, null, null, '2026-01-05 10:00:00.000001+00'),
        (3, 'Emoji 🏗️ and, commas', -0.01, null, '[]', '2026-01-06', '2026-01-06 08:30:00.123456+00');
      create table crews (name text, region text);
      insert into crews values ('North crew', 'north'), ('South crew', 'south');
    `);
  }, 300_000);

  afterAll(async () => {
    await source?.close();
    await backend?.stop();
  });

  test('merge: a first load and an incremental one leave raw equal to the source by value; the watermark moves with the rows and an empty run keeps it', async () => {
    const first = await extractOnce(source.client, backend.warehouse, tickets, 'load-1');
    assert.deepEqual([first.rowsExtracted, first.rowsWritten, first.warehouseRows], [3, 3, 3]);
    assert.deepEqual(await backend.warehouse.getWatermark(tickets), {
      cursor: '2026-01-06 08:30:00.123456+00',
      primaryKey: ['3'],
    });
    await source.client.query(
      "update tickets set title = 'Pour slab (revised)', amount = 2000 where id = 1; update tickets set deleted_at = now() where id = 2",
    );
    const second = await extractOnce(source.client, backend.warehouse, tickets, 'load-2');
    assert.deepEqual([second.rowsExtracted, second.rowsWritten], [2, 2]);
    assert.deepEqual(await backend.query(ticketsInRaw), [
      {
        id: '1',
        title: 'Pour slab (revised)',
        amount: '2000.00',
        is_billable: 'true',
        work_date: '2026-01-05',
        state: 'live',
      },
      { id: '2', title: 'Rebar tie', amount: null, is_billable: 'false', work_date: null, state: 'soft-deleted' },
      {
        id: '3',
        title: 'Emoji 🏗️ and, commas',
        amount: '-0.01',
        is_billable: null,
        work_date: '2026-01-06',
        state: 'live',
      },
    ]);
    const watermark = await backend.warehouse.getWatermark(tickets);
    const third = await extractOnce(source.client, backend.warehouse, tickets, 'load-3');
    assert.equal(third.rowsExtracted, 0);
    assert.deepEqual(await backend.warehouse.getWatermark(tickets), watermark);
  }, 300_000);

  test('watermark atomicity: a file that fails to load changes neither raw nor the watermark', async () => {
    const columns = await readSourceColumns(source.client, tickets);
    const file = join(mkdtempSync(join(tmpdir(), 'rebar-contract-')), 'tickets.csv');
    writeFileSync(
      file,
      '7,Fine,1.00,t,,2026-02-01,2031-01-01 00:00:00+00,\n8,Broken,not-a-number,t,,2026-02-01,2031-01-02 00:00:00+00,\n',
    );
    const before = await backend.query(ticketsInRaw);
    const watermark = await backend.warehouse.getWatermark(tickets);
    // The error names the value (DuckDB) or the failing statement (Snowflake).
    await assert.rejects(
      backend.warehouse.loadFile({ table: tickets, columns, filePath: file, loadId: 'load-bad' }),
      /not-a-number|Could not convert|Conversion Error|Snowflake statement failed/i,
    );
    assert.deepEqual(await backend.query(ticketsInRaw), before);
    assert.deepEqual(await backend.warehouse.getWatermark(tickets), watermark);
  }, 300_000);

  test('append: rows load by sequence and a file loaded twice adds only what is new', async () => {
    const first = await extractOnce(source.client, backend.warehouse, events, 'events-1');
    assert.equal(first.rowsWritten, 50);
    const columns = await readSourceColumns(source.client, events);
    const file = join(mkdtempSync(join(tmpdir(), 'rebar-contract-')), 'events.csv');
    writeFileSync(file, '50,"{""n"": 50}",2026-01-01 00:50:00+00\n51,"{""n"": 51}",2026-01-01 00:51:00+00\n');
    const twice = await backend.warehouse.loadFile({ table: events, columns, filePath: file, loadId: 'events-2' });
    assert.equal(twice.rowsWritten, 1);
    assert.deepEqual(
      await backend.query(
        'select count(*) as n, count(distinct event_id) as keys, max(event_id) as last from raw.events',
      ),
      [{ n: '51', keys: '51', last: '51' }],
    );
  }, 300_000);

  test('replace: a full-refresh table is replaced whole, by value', async () => {
    const first = await extractOnce(source.client, backend.warehouse, crews, 'crews-1');
    assert.equal(first.warehouseRows, 2);
    await source.client.query(
      "delete from crews where name = 'South crew'; insert into crews values ('East crew', 'east')",
    );
    await extractOnce(source.client, backend.warehouse, crews, 'crews-2');
    assert.deepEqual(
      await backend.query('select name, region, _rebar_load_id as load_id from raw.crews order by name'),
      [
        { name: 'East crew', region: 'east', load_id: 'crews-2' },
        { name: 'North crew', region: 'north', load_id: 'crews-2' },
      ],
    );
  }, 300_000);

  test('tombstone: a key gone from the source is marked deleted, the pass is recorded, and a repeat marks nothing', async () => {
    const checked: IncrementalTableConfig = { ...tickets, hardDeleteCheckHours: 0 };
    assert.equal(await backend.warehouse.lastKeyCheck(checked), undefined);
    await source.client.query('delete from tickets where id = 3');
    const run = await extractOnce(source.client, backend.warehouse, checked, 'load-hard-delete');
    assert.equal(run.rowsTombstoned, 1);
    assert.deepEqual(
      await backend.query(
        'select cast(id as varchar) as id from raw.tickets where _rebar_deleted_at is not null and id = 3',
      ),
      [{ id: '3' }],
    );
    const lastCheck = await backend.warehouse.lastKeyCheck(checked);
    assert.ok(lastCheck && Math.abs(Date.now() - lastCheck.getTime()) < 60 * 60_000, String(lastCheck));
    assert.equal(
      (await extractOnce(source.client, backend.warehouse, checked, 'load-hard-delete-2')).rowsTombstoned,
      0,
    );
  }, 300_000);

  test('column re-read: a column added at the source is re-read for every existing row; nothing is left pending', async () => {
    await source.client.query(
      'alter table tickets add column priority integer; alter table tickets disable trigger touch; update tickets set priority = id * 10; alter table tickets enable trigger touch',
    );
    const drift = await extractOnce(source.client, backend.warehouse, tickets, 'load-drift');
    assert.ok(
      drift.schemaChanges.some((change) =>
        /^column priority appeared; re-read 2 rows for it, 2 of them changed in raw$/.test(change),
      ),
      drift.schemaChanges.join('\n'),
    );
    assert.deepEqual(
      await backend.query(
        'select cast(id as varchar) as id, cast(priority as varchar) as priority from raw.tickets where _rebar_deleted_at is null order by id',
      ),
      [
        { id: '1', priority: '10' },
        { id: '2', priority: '20' },
      ],
    );
    assert.deepEqual(await backend.warehouse.pendingColumnRereads(tickets), []);
  }, 300_000);

  test("prune and boundaries: rows past their category's cutoff are deleted once, and the boundary is what was applied", async () => {
    const category = cutoffs[0]!;
    await source.client.query(
      `
      create table logs (id bigint primary key, kind text not null, logged_at timestamptz not null, updated_at timestamptz not null default now());
      insert into logs (id, kind, logged_at) values (1, $1, $2::timestamptz - interval '1 day'), (2, $1, $2::timestamptz + interval '1 day'), (3, 'audit', '1996-01-01');
    `
        .replace(/\$1/g, `'${category.category}'`)
        .replace(/\$2/g, `'${category.cutoff}'`),
    );
    const logs: IncrementalTableConfig = {
      name: 'logs',
      primaryKey: ['id'],
      cursor: 'updated_at',
      softDelete: undefined,
      mode: 'merge',
      lookback: '0',
      hardDeleteCheckHours: undefined,
      retention: { categoryColumn: 'kind', timestampColumn: 'logged_at' },
    };
    await extractOnce(source.client, backend.warehouse, { ...logs, retention: undefined }, 'logs-1');
    assert.deepEqual(await backend.warehouse.retentionBoundaries(logs), []);
    const pruned = await backend.warehouse.pruneExpiredRows({ table: logs, cutoffs, loadId: 'prune-1' });
    assert.equal(pruned.tableExists, true);
    assert.deepEqual(
      pruned.pruned.filter((entry) => entry.rowsPruned > 0).map((entry) => [entry.category, entry.rowsPruned]),
      [[category.category, 1]],
    );
    assert.deepEqual(await backend.query('select cast(id as varchar) as id from raw.logs order by id'), [
      { id: '2' },
      { id: '3' },
    ]);
    const again = await backend.warehouse.pruneExpiredRows({ table: logs, cutoffs, loadId: 'prune-2' });
    assert.deepEqual(
      again.pruned.filter((entry) => entry.rowsPruned > 0),
      [],
    );
    const boundaries = await backend.warehouse.retentionBoundaries(logs);
    assert.deepEqual(
      boundaries.map((boundary) => [boundary.category, Date.parse(boundary.cutoff)]).sort(),
      cutoffs.map((cutoff) => [cutoff.category, Date.parse(cutoff.cutoff)]).sort(),
    );
  }, 300_000);

  test('reset: keepRows forgets only the watermark; a full reset empties raw too', async () => {
    assert.deepEqual(await backend.warehouse.resetTable({ table: events, keepRows: true }), {
      hadWatermark: true,
      rowsDeleted: 0,
    });
    assert.equal(await backend.warehouse.getWatermark(events), undefined);
    assert.deepEqual(await backend.query('select count(*) as n from raw.events'), [{ n: '51' }]);
    await extractOnce(source.client, backend.warehouse, events, 'events-3');
    assert.deepEqual(await backend.warehouse.resetTable({ table: events, keepRows: false }), {
      hadWatermark: true,
      rowsDeleted: 51,
    });
    assert.deepEqual(await backend.query('select count(*) as n from raw.events'), [{ n: '0' }]);
    assert.deepEqual(await backend.warehouse.resetTable({ table: events, keepRows: false }), {
      hadWatermark: false,
      rowsDeleted: 0,
    });
  }, 300_000);

  test('run history: recorded runs read back value by value (status view, node results, previous build); recording a run again replaces it', async () => {
    const older = summary('run-1', 'success', '2026-07-01T02:00:00.000Z', {
      dbtBuild: { projectFingerprint: 'fp-1' } as RunSummary['dbtBuild'],
    });
    const failed = summary('run-2', 'failed', '2026-07-02T02:00:00.000Z', {
      failure: 'dbt build failed',
      tables: [
        {
          table: 'tickets',
          status: 'failed',
          rowsExtracted: 0,
          rowsWritten: 0,
          rowsTombstoned: 0,
          bytes: 0,
          durationMs: 5,
          schemaChanges: [],
          error: 'connection reset',
          sourceRows: null,
          warehouseRows: null,
        },
      ],
      freshness: {
        status: 'checked',
        checkedAt: '2026-07-02T02:09:00.000Z',
        tables: [
          {
            table: 'tickets',
            status: 'warn',
            maxLoadedAt: '2026-07-01T02:05:00.000Z',
            ageSeconds: 86_400,
            warnAfterSeconds: 3600,
            errorAfterSeconds: null,
          },
        ],
      },
    });
    await backend.warehouse.recordRun(older);
    await backend.warehouse.recordRun(failed);
    await backend.warehouse.recordRun(failed);
    const { history } = await backend.warehouse.runHistory(10);
    assert.deepEqual(
      history.runs.filter((run) => run.runId.startsWith('run-')),
      [
        {
          runId: 'run-2',
          workflowId: 'wf-run-2',
          kind: 'nightly',
          startedAt: '2026-07-02T02:00:00.000Z',
          finishedAt: '2026-07-02T02:10:00.000Z',
          status: 'failed',
          published: false,
          rowsExtracted: 0,
          failedTables: [{ table: 'tickets', error: 'connection reset' }],
          reason: history.runs[0]!.reason,
        },
        {
          runId: 'run-1',
          workflowId: 'wf-run-1',
          kind: 'nightly',
          startedAt: '2026-07-01T02:00:00.000Z',
          finishedAt: '2026-07-01T02:10:00.000Z',
          status: 'success',
          published: true,
          rowsExtracted: 3,
          failedTables: [],
          reason: null,
        },
      ],
    );
    assert.match(history.runs[0]!.reason ?? '', /dbt build failed|connection reset/);
    assert.equal(history.lastSuccessAt, '2026-07-01T02:10:00.000Z');
    assert.deepEqual(history.tables, [
      {
        table: 'tickets',
        lastLoadedAt: '2026-07-01T02:10:00.000Z',
        lastStatus: 'failed',
        lastError: 'connection reset',
      },
    ]);
    assert.deepEqual(history.freshness, [
      {
        table: 'tickets',
        status: 'warn',
        maxLoadedAt: '2026-07-01T02:05:00.000Z',
        ageSeconds: 86_400,
        warnAfterSeconds: 3600,
        errorAfterSeconds: null,
      },
    ]);
    assert.equal(history.freshnessCheckedAt, '2026-07-02T02:09:00.000Z');
    const nodes = await backend.warehouse.latestNodeResults();
    assert.deepEqual(
      nodes.map((node) => [node.uniqueId, node.status, node.runId, node.workflowId, node.message]),
      [['model.rebar.fct_alerts', 'error', 'run-2', 'wf-run-2', 'Binder Error: column x not found']],
    );
    assert.deepEqual(await backend.warehouse.previousBuild(), {
      projectFingerprint: 'fp-1',
      lastRunFailed: true,
      lastBuild: { runId: 'run-2', status: 'failed' },
    });
  }, 300_000);

  test("last load durations: each table's newest successful load, a failed load not counted", async () => {
    const table = tableRunResult;
    await backend.warehouse.recordRun(
      summary('run-d1', 'success', '2026-06-01T02:00:00.000Z', {
        tables: [table('dur_a', 'success', 500), table('dur_b', 'success', 300)],
      }),
    );
    await backend.warehouse.recordRun(
      summary('run-d2', 'failed', '2026-06-02T02:00:00.000Z', {
        tables: [table('dur_a', 'failed', 5), table('dur_b', 'success', 800)],
      }),
    );
    const durations = await backend.warehouse.lastLoadDurations();
    assert.deepEqual(
      durations.filter((known) => known.table.startsWith('dur_')).sort((a, b) => a.table.localeCompare(b.table)),
      [
        { table: 'dur_a', durationMs: 500 },
        { table: 'dur_b', durationMs: 800 },
      ],
    );
  }, 300_000);

  test('alerts, publish and read-only query: alerts are read round-robin from the marts; readers see the published version only after publish', async () => {
    assert.equal((await backend.warehouse.readAlerts({ limit: 3 })).status, 'not_listed');
    await backend.query('create schema if not exists marts');
    await backend.query(
      'create or replace table marts.fct_alerts (alert_id varchar, alert_type varchar, alert_message varchar, project_id integer, area_id integer)',
    );
    await backend.query(
      "insert into marts.fct_alerts values ('a1', 'no_checkin', 'P1 has no check-in', 1, null), ('a2', 'no_checkin', 'P2 has no check-in', 2, null), ('a3', 'over_budget', 'P1 over budget', 1, null)",
    );
    assert.deepEqual(await backend.warehouse.readAlerts({ limit: 2 }), {
      status: 'listed',
      total: 3,
      byType: { no_checkin: 2, over_budget: 1 },
      first: [
        { alertType: 'no_checkin', message: 'P1 has no check-in' },
        { alertType: 'over_budget', message: 'P1 over budget' },
      ],
    });
    const run = summary('run-3', 'success', '2026-07-03T02:00:00.000Z');
    await backend.warehouse.recordRun(run);
    await backend.warehouse.publish({ runId: run.runId, settings: DEFAULT_PUBLISH_SETTINGS });
    const read = async () => {
      const result = await backend.warehouse.readOnlyQuery({
        sql: `select alert_id, alert_type from ${backend.publishedMart('fct_alerts')} order by alert_id`,
        format: 'json',
      });
      return result.jsonRows.map((row) =>
        Object.fromEntries(
          Object.entries(JSON.parse(row) as Record<string, unknown>).map(([key, value]) => [key.toLowerCase(), value]),
        ),
      );
    };
    const published = [
      { alert_id: 'a1', alert_type: 'no_checkin' },
      { alert_id: 'a2', alert_type: 'no_checkin' },
      { alert_id: 'a3', alert_type: 'over_budget' },
    ];
    assert.deepEqual(await read(), published);
    await backend.query("delete from marts.fct_alerts where alert_type = 'over_budget'");
    assert.deepEqual(await read(), published, 'a later rebuild does not reach readers before the next publish');
    await assert.rejects(
      backend.warehouse.readOnlyQuery({ sql: `delete from ${backend.publishedMart('fct_alerts')}`, format: 'table' }),
      /read-only|only reads/,
    );
  }, 300_000);
});
