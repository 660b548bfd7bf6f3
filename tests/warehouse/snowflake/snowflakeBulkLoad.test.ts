import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import type { IncrementalTableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import type { Warehouse } from '../../../orchestration/src/warehouse/warehouse.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { projectRoot } from '../../support/projectRoot.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

// The Snowflake bulk path (warehouse/snowflake/bulkLoad.ts): a table's run is staged as many
// compressed files and lands with one COPY and one MERGE (a plain INSERT while raw is empty).
const crewHours: IncrementalTableConfig = {
  name: 'crew_hours',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};
const CHUNK_ROWS = 2_000;
/** Small files, so that 20,000 rows of hard-to-compress text make many of them. */
const FILE_BYTES = 64 * 1024;

let source: TempPostgres;
let fakesnow: Fakesnow;
let config: RebarConfig;
let loader: Warehouse;

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres(), startFakesnow()]);
  config = testConfig(fakesnow.env);
  config.snowflake!.fileBytes = FILE_BYTES;
  loader = createWarehouse(config);
  await source.client.query(`
    create table crew_hours (
      id bigint primary key, crew text not null, note text, hours numeric(6, 2),
      updated_at timestamptz not null
    );
    insert into crew_hours
    select n, 'crew ' || (n % 37), md5(n::text) || md5((n * 7)::text), (n % 1000) / 8.0,
           timestamptz '2026-03-01 00:00:00+00' + n * interval '1 second' + (n % 7) * interval '1 microsecond'
    from generate_series(1, 20000) as n;
  `);
});

afterAll(async () => {
  await source?.close();
  await fakesnow?.stop();
});

const SOURCE_ROWS = `select id, crew, note, hours::text as hours,
  (extract(epoch from updated_at) * 1000000)::bigint::text as updated_us from crew_hours order by id`;
const RAW_ROWS = `select id, crew, note, cast(hours as varchar) as hours,
  cast(date_part(epoch_microsecond, updated_at) as varchar) as updated_us from raw.crew_hours
  where _rebar_deleted_at is null order by id`;

async function rawRows(): Promise<string[]> {
  return (await querySnowflake(config, RAW_ROWS)).map((row) => JSON.stringify(Object.values(row).map(String)));
}

async function assertRawEqualsSource(): Promise<void> {
  const expected = (await source.client.query(SOURCE_ROWS)).rows.map((row: Record<string, unknown>) =>
    JSON.stringify(Object.values(row).map(String)),
  );
  const actual = await rawRows();
  assert.equal(actual.length, expected.length, 'rows in raw and in the source');
  assert.deepEqual(actual, expected);
}

/** The statements the emulator received while `work` ran, by kind. */
async function statementsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = existsSync(fakesnow.statementLog) ? statSync(fakesnow.statementLog).size : 0;
  await work();
  const lines = readFileSync(fakesnow.statementLog).subarray(before).toString('utf8').trim().split('\n');
  const kinds: Record<string, number> = { put: 0, copy: 0, merge: 0, insertIntoRaw: 0, copyKeys: 0, updateRaw: 0 };
  for (const line of lines) {
    const sql = ((JSON.parse(line) as { sqlText?: string }).sqlText ?? '').trim().toLowerCase();
    if (sql.startsWith('put ')) kinds.put! += 1;
    if (sql.startsWith('copy into')) kinds.copy! += 1;
    if (sql.startsWith('merge into raw.')) kinds.merge! += 1;
    if (sql.startsWith('insert into raw.')) kinds.insertIntoRaw! += 1;
    if (sql.startsWith('copy into "_rebar_source_keys_')) kinds.copyKeys! += 1;
    if (sql.startsWith('update raw.')) kinds.updateRaw! += 1;
  }
  return kinds;
}

/** Files on the stage under the crew_hours paths of the bulk load and the key pass. */
async function stagedFiles(): Promise<string[]> {
  const rows = await querySnowflake(config, 'list @_rebar.rebar_stage');
  return rows.map((row) => String(row.name ?? row.NAME)).filter((name) => /bulk\/(load|keys)\/crew_hours/.test(name));
}

test('a first load is many files, one COPY and one INSERT; the next night one COPY and one MERGE; raw equals the source by value', async () => {
  let first: Awaited<ReturnType<typeof extractOnce>> | undefined;
  const firstStatements = await statementsDuring(async () => {
    first = await extractOnce(source.client, loader, crewHours, 'bulk-1', CHUNK_ROWS);
  });
  assert.ok((first?.chunks ?? 0) >= 10, `read in chunks of ${CHUNK_ROWS} (${first?.chunks})`);
  assert.equal(first?.rowsWritten, 20_000);
  assert.equal(first?.warehouseRows, 20_000);
  assert.ok(firstStatements.put! >= 5, `many files PUT (${JSON.stringify(firstStatements)})`);
  assert.equal(firstStatements.copy, 1, 'one COPY into the staging table');
  assert.equal(firstStatements.merge, 0, 'no MERGE into an empty raw table');
  assert.equal(firstStatements.insertIntoRaw, 1, 'one INSERT into raw');
  await assertRawEqualsSource();
  assert.deepEqual(await stagedFiles(), [], 'nothing left on the stage');

  await source.client.query(`
    update crew_hours set note = 'corrected ' || id, hours = hours + 1, updated_at = updated_at + interval '30 days'
      where id % 50 = 0;
    insert into crew_hours
    select n, 'crew new', md5(n::text), 8, timestamptz '2026-04-15 00:00:00+00' + n * interval '1 second'
    from generate_series(20001, 20100) as n;
  `);
  let second: Awaited<ReturnType<typeof extractOnce>> | undefined;
  const secondStatements = await statementsDuring(async () => {
    second = await extractOnce(source.client, loader, crewHours, 'bulk-2', CHUNK_ROWS);
  });
  assert.equal(second?.rowsExtracted, 500);
  assert.equal(second?.rowsWritten, 500);
  assert.equal(second?.warehouseRows, 20_100);
  assert.equal(secondStatements.copy, 1);
  assert.equal(secondStatements.merge, 1, 'one MERGE per table per run');
  await assertRawEqualsSource();
});

test('a worker SIGKILLed between the PUTs and the MERGE changes neither raw nor the watermark; the next run loads everything once and clears the stage', async () => {
  await source.client.query(`
    update crew_hours set crew = 'crew moved', updated_at = updated_at + interval '60 days' where id % 40 = 1;
    insert into crew_hours
    select n, 'crew late', md5((n * 3)::text) || md5(n::text), 4.5, timestamptz '2026-06-01 00:00:00+00' + n * interval '1 second'
    from generate_series(20101, 26000) as n;
  `);
  const rawBefore = await rawRows();
  const watermarkBefore = await loader.getWatermark(crewHours);

  const child = spawn(
    process.execPath,
    [
      join(projectRoot, 'dist', 'tests', 'support', 'bulkLoadUntilStaged.js'),
      JSON.stringify({
        sourceUrl: source.connectionString,
        table: crewHours,
        loadId: 'bulk-killed',
        chunkRows: CHUNK_ROWS,
        fileBytes: FILE_BYTES,
      }),
    ],
    { env: { ...process.env, ...fakesnow.env, REBAR_STATE_DIR: config.stateDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const staged = await new Promise<number>((resolveStaged, rejectStaged) => {
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /STAGED (\d+)/.exec(output);
      if (match) resolveStaged(Number(match[1]));
    });
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => rejectStaged(new Error(`the child exited (${code}) before staging: ${output}`)));
  });
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGKILL');
  await exited;

  assert.ok(staged >= 2, `the run was staged as several files (${staged})`);
  assert.equal((await stagedFiles()).length, staged, 'its files are on the stage');
  assert.deepEqual(await rawRows(), rawBefore, 'raw is as it was, value for value');
  assert.deepEqual(await loader.getWatermark(crewHours), watermarkBefore, 'the watermark did not move');

  // The next night's run (a new load id: the killed one is never retried) finds the files left behind.
  const after = await extractOnce(source.client, loader, crewHours, 'bulk-after-kill', CHUNK_ROWS);
  assert.equal(after.rowsExtracted, 503 + 5_900, 'the moved rows and the new ones, each once');
  assert.equal(after.warehouseRows, 26_000);
  const [keys] = await querySnowflake(
    config,
    'select count(*) as total, count(distinct id) as distinct_ids from raw.crew_hours',
  );
  assert.deepEqual(keys, { TOTAL: 26_000, DISTINCT_IDS: 26_000 }, 'no key twice');
  await assertRawEqualsSource();
  assert.deepEqual(await stagedFiles(), [], 'the killed run left nothing on the stage');
});

test('the hard-delete key pass on Snowflake goes in chunks: key files staged as they are read, one COPY, one UPDATE', async () => {
  await source.client.query('delete from crew_hours where id % 33 = 5');
  const {
    rows: [deleted],
  } = await source.client.query<{ n: number }>('select 26000 - count(*)::int as n from crew_hours');
  const withKeyPass: IncrementalTableConfig = { ...crewHours, hardDeleteCheckHours: 0 };
  let pass: Awaited<ReturnType<typeof extractOnce>> | undefined;
  const statements = await statementsDuring(async () => {
    pass = await extractOnce(source.client, loader, withKeyPass, 'bulk-key-pass', CHUNK_ROWS);
  });
  assert.ok((deleted?.n ?? 0) > 700, `rows deleted at the source (${deleted?.n})`);
  assert.equal(pass?.rowsTombstoned, deleted?.n);
  assert.equal(pass?.warehouseRows, 26_000 - (deleted?.n ?? 0));
  assert.equal(statements.copyKeys, 1, `one COPY of the keys (${JSON.stringify(statements)})`);
  assert.equal(statements.updateRaw, 1, 'one UPDATE tombstones them');
  assert.ok(statements.put! >= 2, 'the keys went up as several files');
  await assertRawEqualsSource();
  assert.deepEqual(await stagedFiles(), [], 'nothing left on the stage');
});
