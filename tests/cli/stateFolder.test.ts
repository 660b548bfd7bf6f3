import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../orchestration/src/temporal/devServer.js';
import { withClient } from '../../orchestration/src/source/demoSource.js';
import { isRunning } from '../../orchestration/src/state/processIdentity.js';
import { startCli, type BackgroundCli } from '../support/backgroundCli.js';
import { demoPostgresPid } from '../support/demoPostgresPid.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { runCli } from '../support/runCli.js';
import { smallProjectTablesConfig } from '../support/smallDbtProject.js';
import { testConfig } from '../support/testConfig.js';

// One state folder for the whole file, as one operator's machine: runs and a worker. Recovery after a
// SIGKILL of the process group (stale lock, leftover Postgres): tests/runs/processGroupKill.test.ts.
// Its nightlies build tests/fixtures/smallDbtProject: what this file proves is the folder's lock and
// services, not the demo's 694 dbt nodes.
const stateDir = mkdtempSync(join(tmpdir(), 'rebar-folder-'));
const env = { REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn', REBAR_TABLES_CONFIG: smallProjectTablesConfig() };
const lockPath = join(stateDir, 'rebar.lock');
const postmasterPid = () => demoPostgresPid(stateDir);
const running: BackgroundCli[] = [];
let server: TemporalDevServer | undefined;

afterAll(async () => {
  for (const cli of running) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null || !cli.child.pid) continue;
    try {
      process.kill(-cli.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // A failed test may leave the demo Postgres running: SIGINT is Postgres's fast shutdown.
  const pid = postmasterPid();
  if (pid && isRunning({ pid })) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  await server?.stop();
});

async function runs(): Promise<{ status: string }[]> {
  return (await queryDuckDb(
    join(stateDir, 'warehouse.duckdb'),
    'select status from _rebar.runs order by started_at',
  )) as { status: string }[];
}

test('a second run on a busy folder is refused once, naming the first; the first succeeds', async () => {
  const first = startCli(['nightly', '--scale', '0.02'], env);
  running.push(first);
  await first.waitFor(/Demo source generated/);
  const holder = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid: number; command: string };
  assert.equal(holder.pid, first.child.pid);
  assert.equal(holder.command, 'rebar nightly --scale 0.02');

  const second = await runCli(['nightly'], env);
  assert.equal(second.code, 1, second.stdout + second.stderr);
  const refusal = new RegExp(
    `^rebar: ${lockPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is held by \`rebar nightly --scale 0\\.02\` \\(pid ${first.child.pid}, since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\); stop it or wait until it has finished, then run this again$`,
    'm',
  );
  assert.match(second.stderr, refusal);
  assert.equal(second.stderr.trim().split('\n').length, 1, `printed more than the one line:\n${second.stderr}`);
  assert.doesNotMatch(second.stdout + second.stderr, /postmaster\.pid|Starting workflow/);

  assert.equal(await first.exited, 0, first.output());
  assert.match(first.output(), /Nightly load SUCCESS/);
  assert.equal(existsSync(lockPath), false, 'the lock is released when the run ends');
  assert.deepEqual(await runs(), [{ status: 'success' }]);
});

test('`rebar backfill` while `rebar worker` holds the folder runs through the worker: no second Postgres or dev server', async () => {
  server = await startTemporalDevServer({
    temporalBin: testConfig().temporalBin,
    stateDir: mkdtempSync(join(tmpdir(), 'rebar-folder-temporal-')),
  });
  const worker = startCli(['worker'], { ...env, TEMPORAL_ADDRESS: server.address });
  running.push(worker);
  await worker.waitFor(/Worker polling task queue/);
  const services = JSON.parse(readFileSync(join(stateDir, 'services.json'), 'utf8')) as {
    pid: number;
    temporalAddress: string;
    demoSourceUrl: string;
  };
  assert.equal(services.pid, worker.child.pid);
  assert.equal(services.temporalAddress, server.address);
  const workerPostgres = postmasterPid();

  // A day of changes in the worker's source (through it, too), then a backfill of the window holding them.
  const simulated = await runCli(['simulate-day'], env);
  assert.equal(simulated.code, 0, simulated.stdout + simulated.stderr);
  assert.match(simulated.stdout, /^Simulated \d{4}-\d{2}-\d{2}$/m);
  const backfill = await runCli(
    ['backfill', '--from', '2000-01-01', '--to', '2100-01-01', '--tables', 'projects,companies', '--no-dbt'],
    env,
  );
  assert.equal(backfill.code, 0, backfill.stdout + backfill.stderr);
  assert.match(
    backfill.stdout,
    new RegExp(
      `^\`rebar worker\` \\(pid ${worker.child.pid}\\) holds .*: using its Temporal at ${server.address} \\(task queue [\\w-]+\\) and its source; nothing else is started$`,
      'm',
    ),
  );
  assert.match(backfill.stdout, new RegExp(`^Temporal at ${server.address}$`, 'm'));
  assert.match(backfill.stdout, /SUCCESS/);
  assert.equal(postmasterPid(), workerPostgres, "the backfill used the worker's Postgres");

  // The backfill's rows are the worker's source's rows, value for value.
  const source = await withClient(
    services.demoSourceUrl,
    async (client) =>
      (
        await client.query<{ id: number; name: string; updated_at: Date }>(
          'select id, name, updated_at from projects order by id',
        )
      ).rows,
  );
  const raw = await queryDuckDb(
    join(stateDir, 'warehouse.duckdb'),
    'select id, name, updated_at from raw.projects order by id',
  );
  const iso = (value: unknown) => (value instanceof Date ? value : new Date(String(value))).toISOString();
  assert.ok(source.length > 0);
  assert.deepEqual(
    raw.map((row) => [Number(row.id), row.name, iso(row.updated_at)]),
    source.map((row) => [Number(row.id), row.name, iso(row.updated_at)]),
  );
  assert.deepEqual((await runs()).map((run) => run.status).slice(-1), ['success']);

  worker.child.kill('SIGINT');
  assert.equal(await worker.exited, 0, worker.output());
  assert.equal(existsSync(join(stateDir, 'services.json')), false);
  assert.equal(existsSync(lockPath), false);
  // pg_ctl's wait ends when postmaster.pid is gone, a moment before the process itself.
  for (let waited = 0; waited < 30_000 && isRunning({ pid: workerPostgres ?? 0 }); waited += 200)
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  assert.equal(isRunning({ pid: workerPostgres ?? 0 }), false, 'the worker stopped its Postgres');
});
