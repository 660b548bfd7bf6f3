import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { runCli } from '../support/runCli.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';

// `rebar nightly` on a user's own database with a table in mode cdc beside a cursor table, as a role
// with only the privileges docs/cdc.md lists (REPLICATION, SELECT; the tables' owner created the
// publication): the slot is created, the WAL it holds is reported, and a night that leaves more
// than REBAR_CDC_MAX_RETAINED_WAL_MB behind alerts.
let source: TempPostgres;
let receiver: WebhookReceiver;
let stateDir: string;
let rebarUrl: string;

const env = () => ({
  REBAR_SOURCE_URL: rebarUrl,
  REBAR_TABLES_CONFIG: join(stateDir, 'rebar.yml'),
  REBAR_STATE_DIR: stateDir,
  REBAR_LOG_LEVEL: 'warn',
  REBAR_CDC_MAX_RETAINED_WAL_MB: '1',
  REBAR_ALERT_WEBHOOK_URL: receiver.url('/hooks/T0/B0/cdc-secret'),
});

beforeAll(async () => {
  source = await startTempPostgres();
  receiver = await startWebhookReceiver();
  stateDir = mkdtempSync(join(tmpdir(), 'rebar-nightly-cdc-'));
  await source.client.query(`
    create table crew_badges (id bigint primary key, holder text not null, site text, issued_on date, revoked boolean not null default false);
    create table site_visits (id bigint primary key, site text, visitor text, updated_at timestamptz not null default now());
    insert into crew_badges select n, 'holder ' || n, 'site ' || (n % 9), date '2026-01-01' + n % 200, false from generate_series(1, 5000) as n;
    insert into site_visits select n, 'site ' || (n % 9), 'visitor ' || n, now() from generate_series(1, 800) as n;
    create publication rebar for table crew_badges;
    create role rebar_cdc login replication;
    grant select on crew_badges, site_visits to rebar_cdc;
  `);
  rebarUrl = source.connectionString.replace('postgres@', 'rebar_cdc@');
  writeFileSync(
    join(stateDir, 'rebar.yml'),
    [
      'tables:',
      '  - { name: crew_badges, primary_key: [id], mode: cdc }',
      '  - { name: site_visits, primary_key: [id], cursor: updated_at }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await receiver?.close();
  await source?.close();
});

async function assertRawEqualsSource(): Promise<void> {
  assert.deepEqual(
    await sourceEqualsWarehouse({
      sourceUrl: source.connectionString,
      warehousePath: join(stateDir, 'warehouse.duckdb'),
      schemas: ['public'],
      tables: ['crew_badges', 'site_visits'],
    }),
    [],
  );
}

test('the first night creates the slot, copies the cdc table from its snapshot and loads the cursor table beside it', async () => {
  const result = await runCli(['nightly'], env());
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  assert.match(result.stdout, /crew_badges/);
  assert.match(result.stdout, /Replication slot rebar \(tables in mode cdc, [^)]*\): created by this run/);
  await assertRawEqualsSource();
  const slots = await source.client.query("select slot_name from pg_replication_slots where plugin = 'pgoutput'");
  assert.deepEqual(
    slots.rows.map((row: { slot_name: string }) => row.slot_name),
    ['rebar'],
  );
  assert.equal(receiver.requests.length, 0);
});

test('a day of edits with no timestamp to follow reaches raw, and the WAL left between nights alerts', async () => {
  await source.client.query(`
    insert into crew_badges select n, 'holder ' || n, 'site new', date '2026-06-01', false from generate_series(5001, 35000) as n;
    update crew_badges set revoked = true where id % 10 = 0;
    delete from crew_badges where id % 25 = 0;
    update site_visits set visitor = 'changed', updated_at = now() where id < 100;
  `);
  const result = await runCli(['nightly'], env());
  assert.equal(result.code, 0, result.stderr + result.stdout);
  await assertRawEqualsSource();
  assert.match(
    result.stdout,
    /Replication slot rebar \([^)]*\): held [\d.]+ MB of WAL at the start \([\d.]+ MB unread\), [\d.]+ MB at the end \([\d.]+ MB unread\): OVER the 1\.0 MB limit, alerted\./,
  );
  const tombstoned = await queryDuckDb(
    join(stateDir, 'warehouse.duckdb'),
    'select count(*) as n from raw.crew_badges where _rebar_deleted_at is not null',
  );
  // Rows raw held before the night (5000 / 25); those inserted and deleted within it never reach raw.
  assert.equal(Number(tombstoned[0]!.n), 200);
  const alert = receiver.requests
    .map((request) => JSON.parse(request.body))
    .find((body) => body.kind === 'wal_retained');
  assert.ok(alert, 'a wal_retained alert');
  assert.match(alert.title, /replication slot rebar held [\d.]+ MB of WAL on the source \(limit 1\.0 MB\)/);
  assert.ok(alert.details.retainedBytesBefore > 1024 * 1024);

  const status = await runCli(['status'], env());
  console.log(status.stdout);
  assert.match(status.stdout, /Replication slot rebar \(tables in mode cdc; limit 1\.0 MB/);
  assert.match(status.stdout, /holds [\d.]+ MB of WAL now, [\d.]+ MB of it not read yet/);
  assert.match(status.stdout, /found [\d.]+ MB held \([\d.]+ MB unread\) and left [\d.]+ MB held/);
});

test('a table the publication does not hold, which Rebar may not add, fails with the statement for its owner', async () => {
  writeFileSync(
    join(stateDir, 'rebar.yml'),
    [
      'tables:',
      '  - { name: crew_badges, primary_key: [id], mode: cdc }',
      '  - { name: site_visits, primary_key: [id], mode: cdc }',
      '',
    ].join('\n'),
  );
  const result = await runCli(['nightly'], env());
  assert.notEqual(result.code, 0);
  assert.match(
    result.stdout + result.stderr,
    /may not manage the publication rebar: .*Have an administrator run: CREATE PUBLICATION "rebar" FOR TABLE "public"\."crew_badges", "public"\."site_visits"/,
  );
  assert.doesNotMatch(result.stdout + result.stderr, /cdc-secret/);
});
