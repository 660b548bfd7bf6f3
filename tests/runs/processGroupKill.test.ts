import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { isCursorTable, loadTablesConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { openSource } from '../../orchestration/src/source/demoSource.js';
import { isRunning } from '../../orchestration/src/state/processIdentity.js';
import { waitForWarehouseRelease } from '../../orchestration/src/state/warehouseRelease.js';
import { startCli, type BackgroundCli } from '../support/backgroundCli.js';
import { demoPostgresPid } from '../support/demoPostgresPid.js';
import { rebar, type DemoState } from '../support/demoState.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { martsFingerprint } from '../support/martsFingerprint.js';
import { newSmallProjectDemoState } from '../support/smallDbtProject.js';
import { runTimedCli } from '../support/timedCli.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';

// SIGKILL of the whole `rebar nightly` process group (the OOM killer, `kill -9 -<pgid>`) at uniform
// random moments, each followed by a plain `rebar nightly`: one small demo source for every trial.
// The nightlies build tests/fixtures/smallDbtProject, not the demo's 694 nodes: what this proves
// (leftovers, one run at a time, publish only a tested run, raw equal to the source) is orchestration,
// and the demo's models are proved by the nightlyLoad, incremental and chaos files.
const TRIALS = Number(process.env.REBAR_KILL_TRIALS ?? 10);
const SCALE = '0.02';

let state: DemoState;
const started: BackgroundCli[] = [];
/** How long the latest complete nightly ran, first line to exit: the span each kill is drawn over. */
let runMs: number;

beforeAll(async () => {
  state = newSmallProjectDemoState();
  // The first nightly generates the source and loads it whole; the second is a night like the trials'.
  await rebar(state, ['nightly', '--scale', SCALE]);
  const night = await runTimedCli(['nightly', '--scale', SCALE], state.env);
  assert.equal(night.code, 0, night.stderr + night.stdout);
  runMs = night.afterFirstLineMs;
});

afterAll(() => {
  for (const cli of started) {
    if (cli.child.exitCode !== null || cli.child.signalCode !== null || !cli.child.pid) continue;
    try {
      process.kill(-cli.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // A failed trial may leave the demo Postgres running (it outlives the group): SIGINT is its fast shutdown.
  const { postgres } = state ? leftovers() : { postgres: undefined };
  if (postgres !== undefined) process.kill(postgres, 'SIGINT');
});

/** What a killed run may leave in the state folder: its lock's holder, the demo Postgres still running. */
function leftovers(): { lockHolder: number | undefined; postgres: number | undefined } {
  const stateDir = state.env.REBAR_STATE_DIR as string;
  const lock = join(stateDir, 'rebar.lock');
  const postgres = demoPostgresPid(stateDir);
  return {
    lockHolder: existsSync(lock) ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid : undefined,
    postgres: postgres !== undefined && isRunning({ pid: postgres }) ? postgres : undefined,
  };
}

async function runsRecorded(): Promise<
  { workflow_id: string; status: string; reason: string | null; started_at: string; finished_at: string }[]
> {
  return (await queryDuckDb(
    state.config.warehousePath,
    `select workflow_id, status, summary->>'cancelReason' as reason, started_at::varchar as started_at, finished_at::varchar as finished_at from _rebar.runs order by started_at`,
  )) as never;
}

test(`SIGKILL of the rebar nightly process group at ${TRIALS} random moments: the next nightly recovers alone, one run at a time, nothing lost or duplicated`, async () => {
  const recoverySeconds: number[] = [];
  let leftoversHandled = 0;
  for (let trial = 1; trial <= TRIALS; trial += 1) {
    const killed = startCli(['nightly', '--scale', SCALE], state.env);
    started.push(killed);
    await killed.waitFor(/\S/);
    // Uniform over a whole run (Temporal's start-up, extraction, the dbt build, the gate and the
    // publish): its length is the last complete nightly's on this machine now, not a constant, since
    // a fixed window is all start-up on a loaded machine and past the end on a quiet one.
    const delayMs = Math.floor(Math.random() * runMs);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      process.kill(-(killed.child.pid ?? 0), 'SIGKILL');
    } catch {
      // it finished before the kill
    }
    await killed.exited;
    const left = leftovers();
    // The killed run's dbt is signalled as its parent dies and may take a moment to let go of the file.
    await waitForWarehouseRelease(state.config.warehousePath);

    const before = await runsRecorded();
    const recoveryStarted = Date.now();
    const next = await runTimedCli(['nightly', '--scale', SCALE], state.env);
    recoverySeconds.push((Date.now() - recoveryStarted) / 1000);
    runMs = next.afterFirstLineMs;
    process.stdout.write(
      `trial ${trial}: SIGKILL ${(delayMs / 1000).toFixed(1)} s after the first line; the next nightly took ${recoverySeconds.at(-1)?.toFixed(1)} s, exit ${next.code}\n`,
    );
    assert.equal(next.code, 0, `trial ${trial}:\n${next.stdout}${next.stderr}`);
    assert.match(next.stdout, /Nightly load SUCCESS/);
    // What the killed run left is handled with one line each, and gone afterwards.
    if (left.lockHolder === killed.child.pid) {
      assert.match(
        next.stdout,
        new RegExp(
          `^Taking over .*rebar\\.lock from \`rebar nightly --scale ${SCALE.replace('.', '\\.')}\` \\(pid ${left.lockHolder}, since .* UTC\\), which is no longer running$`,
          'm',
        ),
      );
    }
    if (left.postgres !== undefined) {
      assert.match(
        next.stdout,
        new RegExp(
          `^Stopped the demo Postgres \\(pid ${left.postgres}\\) an earlier run left running in .*demo-postgres; its rebar process is gone$`,
          'm',
        ),
      );
    }
    assert.deepEqual(
      leftovers(),
      { lockHolder: undefined, postgres: undefined },
      `trial ${trial}: the next nightly left its lock or Postgres behind`,
    );
    if (left.lockHolder === killed.child.pid && left.postgres !== undefined) leftoversHandled += 1;
    const nextId = /Starting workflow nightlyLoad \((\S+)\)/.exec(next.stdout)?.[1];
    assert.ok(nextId);

    // One run at a time: every orphan was terminated (recorded cancelled, naming this run) before it started,
    // none completed beside it, and the published file's history ends with this run.
    const after = await runsRecorded();
    const newRows = after.filter(
      (run) => !before.some((old) => old.workflow_id === run.workflow_id && old.status === run.status),
    );
    for (const run of newRows.filter((row) => row.workflow_id !== nextId)) {
      assert.equal(
        run.status,
        'cancelled',
        `trial ${trial}: ${run.workflow_id} ended ${run.status} during the next run`,
      );
      assert.equal(run.reason, `terminated at start-up of run ${nextId}: the process running it was killed`);
    }
    assert.deepEqual(
      newRows.filter((row) => row.workflow_id === nextId).map((row) => row.status),
      ['success'],
    );
    const orphanLines = next.stdout.split('\n').filter((line) => line.startsWith('Earlier run '));
    assert.equal(orphanLines.length, newRows.length - 1, `trial ${trial}: one line per orphan:\n${next.stdout}`);
    const [published] = await queryDuckDb(
      state.config.publishedPath,
      `select workflow_id, status from _rebar.runs order by finished_at desc limit 1`,
    );
    assert.deepEqual(published, { workflow_id: nextId, status: 'success' });
    const [working] = await queryDuckDb(
      state.config.warehousePath,
      `select workflow_id from _rebar.runs where status = 'success' order by finished_at desc limit 1`,
    );
    assert.equal(
      working?.workflow_id,
      nextId,
      'the working warehouse and the published file end with the same tested run',
    );
    // and readers get that run's marts, by value: none a killed build left half-built.
    assert.deepEqual(
      await martsFingerprint(state.config.publishedPath),
      await martsFingerprint(state.config.warehousePath),
      `trial ${trial}: the published marts are not the ones the tested run built`,
    );
  }

  assert.ok(
    leftoversHandled > 0,
    'no kill landed while the run held its lock and the demo Postgres: nothing left over was tested',
  );

  // Nothing lost, duplicated or changed: raw against the source by content (tables with a retention
  // policy are pruned on purpose: compared by key for duplicates only).
  const tables = loadTablesConfig(state.config.tablesConfigPath);
  const source = await openSource(state.config);
  try {
    const exact = tables.filter((table) => !isCursorTable(table) || !table.retention).map((table) => table.name);
    assert.deepEqual(
      await sourceEqualsWarehouse({
        sourceUrl: source.url,
        warehousePath: state.config.warehousePath,
        schemas: ['public'],
        tables: exact,
      }),
      [],
    );
  } finally {
    await source.close();
  }
  for (const table of tables) {
    const key = table.primaryKey.join(', ');
    const [dupes] = await queryDuckDb(
      state.config.warehousePath,
      `select count(*) - count(distinct (${key})) as extra from raw.${table.name}`,
    );
    assert.equal(Number(dupes?.extra), 0, `raw.${table.name} holds a key twice`);
  }
  process.stdout.write(
    `recovery seconds per trial: ${recoverySeconds.map((seconds) => seconds.toFixed(1)).join(', ')}\n`,
  );
}, 3_600_000); // ten kills and twelve small-project nightlies: 22 min at load average 12-18 falling to 5 (recoveries 23-131 s)
