import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import { captureChanges } from '../../orchestration/src/cdc/captureChanges.js';
import type { CdcTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { projectRoot } from '../support/projectRoot.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

// Ten captures SIGKILLed at random moments while an app keeps writing (inserts, updates that touch
// no timestamp, deletes, a transaction held open across trials); after each, a capture that runs to
// the end must leave raw equal to the source by value, each key once.
const TRIALS = Number(process.env.REBAR_CDC_KILL_TRIALS ?? 10);
const slot = 'rebar_kills';
const equipment: CdcTableConfig = {
  name: 'equipment_hours',
  primaryKey: ['id'],
  softDelete: undefined,
  mode: 'cdc',
  hardDeleteCheckHours: undefined,
};
const readings: CdcTableConfig = {
  name: 'meter_readings',
  primaryKey: ['unit', 'read_on'],
  softDelete: undefined,
  mode: 'cdc',
  hardDeleteCheckHours: undefined,
};
const tables = [equipment, readings];

let source: TempPostgres;
let workDir: string;
let warehousePath: string;

beforeAll(async () => {
  source = await startTempPostgres();
  workDir = mkdtempSync(join(tmpdir(), 'rebar-cdc-kills-'));
  warehousePath = join(workDir, 'warehouse.duckdb');
  await source.client.query(`
    create table equipment_hours (id bigint primary key, unit text not null, hours numeric(10,2), remarks text, on_site boolean);
    create table meter_readings (unit text, read_on date, reading bigint, primary key (unit, read_on));
    insert into equipment_hours
      select n, 'EX-' || (n % 40), n * 0.25, case when n % 97 = 0 then repeat('long remark ', 800) end, n % 3 = 0
        from generate_series(1, 20000) as n;
    -- Rows only the long transaction touches: its row locks block nobody else.
    insert into equipment_hours select n, 'EX-held', 0, null, false from generate_series(500000, 500400) as n;
    insert into meter_readings select 'EX-' || (n % 40), date '2026-01-01' + n / 40, n from generate_series(1, 4000) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

function capture(loadId: string) {
  return captureChanges({
    sourceUrl: source.connectionString,
    loader: new DuckDbWarehouse(warehousePath, `${warehousePath}.published`),
    tables,
    settings: { slot, publication: slot, maxRetainedWalBytes: 1024 * 1024 * 1024 },
    loadId,
    workDir,
    chunkRows: 300,
  });
}

/** One batch of an app's edits, different each trial. */
async function edit(client: pg.ClientBase, trial: number, size: number): Promise<void> {
  const base = 100000 + trial * 10000;
  await client.query(`
    insert into equipment_hours select n, 'EX-new', n * 0.5, null, true from generate_series(${base}, ${base + size - 1}) as n;
    update equipment_hours set hours = hours + 1 where id % ${7 + trial} = 0 and id < ${size * 4};
    update equipment_hours set on_site = not on_site where id % 97 = 0 and id < 400000;
    delete from equipment_hours where id % ${50 + trial} = 1 and id < 400000;
    insert into meter_readings select 'EX-' || (n % 40), date '2027-01-01' + ${trial * 100} + n / 40, n from generate_series(1, ${size}) as n
      on conflict do nothing;
    delete from meter_readings where reading % ${30 + trial} = 0;
  `);
}

async function assertEqualAndOnce(label: string): Promise<void> {
  assert.deepEqual(
    await sourceEqualsWarehouse({
      sourceUrl: source.connectionString,
      warehousePath,
      schemas: ['public'],
      tables: tables.map((table) => table.name),
    }),
    [],
    label,
  );
  const twice = await queryDuckDb(
    warehousePath,
    `select (select count(*) from (select id from raw.equipment_hours group by id having count(*) > 1))
          + (select count(*) from (select unit, read_on from raw.meter_readings group by all having count(*) > 1)) as n`,
  );
  assert.equal(Number(twice[0]!.n), 0, `${label}: a key twice in raw`);
}

test(`a capture SIGKILLed at random moments in ${TRIALS} trials under a writing app loses and duplicates nothing`, async () => {
  const first = await capture('initial');
  assert.equal(first.slot.retainedBytesBefore, null);
  await assertEqualAndOnce('initial copy');

  // How long an undisturbed capture of one trial's edits takes here: kills are drawn over that span.
  await edit(source.client, 0, 3000);
  const started = Date.now();
  await capture('measure');
  const spanMs = Math.max(500, Date.now() - started);
  await assertEqualAndOnce('undisturbed capture');

  let seed = 20261201;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const longWriter = new pg.Client({ connectionString: source.connectionString });
  const appWriter = new pg.Client({ connectionString: source.connectionString });
  await longWriter.connect();
  await appWriter.connect();
  const lines: string[] = [];
  try {
    for (let trial = 1; trial <= TRIALS; trial += 1) {
      await edit(source.client, trial, 3000);
      // A transaction opened in trial 3 stays open (invisible to every capture) until trial 7.
      if (trial === 3) {
        await longWriter.query('begin');
        await longWriter.query("update equipment_hours set remarks = 'held open' where id >= 500000");
        await longWriter.query("insert into meter_readings values ('EX-long', date '2030-01-01', 1)");
      }
      if (trial === 7) await longWriter.query('commit');
      // The app keeps writing while the capture runs and dies.
      let writing = true;
      const app = (async () => {
        for (let n = 0; writing; n += 1) {
          await appWriter.query(
            `update equipment_hours set hours = hours + 0.25 where id = ${1 + ((trial * 1000 + n) % 20000)};
             insert into meter_readings values ('EX-app', date '2028-01-01' + ${trial * 1000 + n}, ${n}) on conflict do nothing`,
          );
          await sleep(5);
        }
      })();
      const child = spawn(
        process.execPath,
        [
          join(projectRoot, 'dist', 'tests', 'support', 'captureOnce.js'),
          JSON.stringify({
            sourceUrl: source.connectionString,
            warehousePath,
            tables,
            slot,
            loadId: `trial-${trial}`,
            chunkRows: 300,
            workDir,
          }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let steps = 0;
      let done = false;
      let started = false;
      child.stdout!.on('data', (data: Buffer) => {
        steps += (data.toString().match(/STEP/g) ?? []).length;
        if (data.toString().includes('START')) started = true;
        if (data.toString().includes('DONE')) done = true;
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Drawn over the capture itself, from when the child begins it (its start-up varies with load).
      for (let waited = 0; !started && waited < 60_000; waited += 10) await sleep(10);
      const killAfterMs = Math.round(random() * spanMs * 3);
      await sleep(killAfterMs);
      child.kill('SIGKILL');
      await exited;
      writing = false;
      await app;
      const finished = await capture(`trial-${trial}-after`);
      await assertEqualAndOnce(`trial ${trial}`);
      const line = `trial ${String(trial).padStart(2)}: killed ${killAfterMs} ms into the capture, ${done ? 'after it finished' : `after ${steps} committed step(s)`}; the next capture read ${finished.tables.map((table) => `${table.table} ${table.changes} keys`).join(', ')}; slot held ${finished.slot.retainedBytesBefore} bytes of WAL before (${finished.slot.unreadBytesBefore} unread), ${finished.slot.retainedBytesAfter} after (${finished.slot.unreadBytesAfter} unread): raw equal to the source, each key once`;
      lines.push(line);
      console.log(line);
    }
  } finally {
    await longWriter.end();
    await appWriter.end();
  }
  const midCapture = lines.filter((line) => !line.includes('after it finished')).length;
  console.log(`${TRIALS} trials, ${midCapture} killed mid-capture: lost 0, duplicated 0`);
  assert.ok(midCapture >= TRIALS / 2, `most kills should land mid-capture (${midCapture} of ${TRIALS})`);
});
