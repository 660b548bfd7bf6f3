import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { rebar, type DemoState } from '../support/demoState.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { martsFingerprint } from '../support/martsFingerprint.js';
import { projectRoot } from '../support/projectRoot.js';
import { newSmallProjectDemoState } from '../support/smallDbtProject.js';
import { runTimedCli } from '../support/timedCli.js';

// SIGINT at random moments, over one small demo source: to the `rebar nightly` process (odd trials)
// and to its whole process group, as Ctrl-C in a terminal (even trials). The nightlies build
// tests/fixtures/smallDbtProject, not the demo's 694 nodes: what this proves is orchestration.
const TRIALS = Number(process.env.REBAR_INTERRUPT_TRIALS ?? 4);
const SCALE = '0.02';

let state: DemoState;
/** How long a complete nightly ran, first line to exit: the span each SIGINT is drawn over. */
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
  // A failed assertion may leave a service behind: stop what this test's folder still runs.
  for (const pid of processesOf(state?.env.REBAR_STATE_DIR ?? '/nonexistent')) process.kill(pid, 'SIGKILL');
});

/** Processes whose command line names the state folder: the demo Postgres, the Temporal dev server, dbt. */
function processesOf(stateDir: string): number[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return listing
    .split('\n')
    .filter((line) => line.includes(stateDir) && !line.includes('vitest'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function stillRunning(stateDir: string): Promise<number[]> {
  // The command has exited; give the kernel a moment to reap what it stopped.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const left = processesOf(stateDir);
    if (left.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return processesOf(stateDir);
}

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * `rebar nightly` in its own process group (a terminal's job), SIGINT after `delayMs`: to the command
 * alone (`kill -INT <pid>`), or to its whole process group, as Ctrl-C typed in the terminal does
 * (the dev server, dbt and every other child get it too). Its exit code and output.
 */
function interruptedNightly(
  delayMs: number,
  target: 'process' | 'group',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js'), 'nightly', '--scale', SCALE],
      {
        cwd: projectRoot,
        env: { ...process.env, ...state.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    const interrupt = () => {
      try {
        process.kill(target === 'group' ? -(child.pid ?? 0) : (child.pid ?? 0), 'SIGINT');
      } catch {
        // it finished before the signal
      }
    };
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Counted from the CLI's first line (its source is up): before that, on a loaded machine, Node may
    // still be loading the CLI's modules, and a SIGINT then ends it before anything started.
    let timer: NodeJS.Timeout | undefined;
    child.stdout.once('data', () => (timer = setTimeout(interrupt, delayMs)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The published file's latest run: it succeeded and every dbt node it recorded passed. */
async function publishedRun(): Promise<string> {
  const [latest] = await queryDuckDb(
    state.config.publishedPath,
    `select workflow_id, run_id, status from _rebar.runs order by finished_at desc limit 1`,
  );
  assert.ok(latest, 'the published file holds no run');
  assert.equal(
    latest.status,
    'success',
    `the published file's latest run ${String(latest.workflow_id)} did not succeed`,
  );
  const failing = await queryDuckDb(
    state.config.publishedPath,
    `select unique_id, status from _rebar.run_models where run_id = '${String(latest.run_id)}' and status not in ('success', 'pass')`,
  );
  assert.deepEqual(failing, [], 'the published run has nodes that did not pass');
  return String(latest.workflow_id);
}

test(`SIGINT at ${TRIALS} random moments of rebar nightly: one line, exit 130, nothing left running, nothing published; the next run succeeds`, async () => {
  const stateDir = state.env.REBAR_STATE_DIR as string;
  let lastCancelled: string | undefined;
  for (let trial = 1; trial <= TRIALS; trial += 1) {
    const target = trial % 2 === 0 ? 'group' : 'process';
    // Uniform over a whole night (Temporal's start-up, extraction, the dbt build, the gate, the
    // publish): its length measured on this machine now, since a fixed window would be mostly
    // start-up on a loaded machine and past the end on a quiet one. A night may run faster than the
    // measured one (the machine got quieter): a run that ended before its signal is a plain successful
    // night, and the trial draws again over half the span, so every trial interrupts one.
    let spanMs = runMs;
    let run: { code: number | null; stdout: string; stderr: string };
    let readersRun = await publishedRun();
    let before = fileHash(state.config.publishedPath);
    for (let attempt = 1; ; attempt += 1) {
      const delayMs = Math.floor(Math.random() * spanMs);
      run = await interruptedNightly(delayMs, target);
      const left = await stillRunning(stateDir);
      process.stdout.write(
        `trial ${trial}.${attempt}: SIGINT to the ${target} ${(delayMs / 1000).toFixed(1)} s after the first line, exit ${run.code}, ${left.length} processes left\n`,
      );
      assert.deepEqual(left, [], `processes of ${stateDir} left running after trial ${trial}.${attempt}`);
      if (run.code !== 0) break;
      assert.ok(attempt < 5, `trial ${trial}: ${attempt} runs all finished before their SIGINT`);
      spanMs /= 2;
      readersRun = await publishedRun();
      before = fileHash(state.config.publishedPath);
    }
    assert.equal(run.code, 130, `trial ${trial}: exit ${run.code}\n${run.stderr}`);
    const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
    assert.equal(lines.length, 1, `trial ${trial}: stderr is not one line:\n${run.stderr}`);
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^Interrupted(: run rebar-nightly-manual-\\S+ cancelled| before the run started); nothing published; readers keep run ${readersRun}$`,
      ),
    );
    lastCancelled = /^Interrupted: run (\S+) cancelled/.exec(lines[0] ?? '')?.[1];
    if (lastCancelled) {
      // The line is true: the workflow itself recorded its cancellation (it needs Temporal alive to do so).
      const [recorded] = await queryDuckDb(
        state.config.warehousePath,
        `select status, summary->>'cancelReason' as reason from _rebar.runs where workflow_id = '${lastCancelled}'`,
      );
      assert.deepEqual(
        recorded,
        { status: 'cancelled', reason: 'cancelled: the command that started it was interrupted (SIGINT/SIGTERM)' },
        `trial ${trial}: ${lastCancelled} is not recorded cancelled`,
      );
    }
    assert.equal(fileHash(state.config.publishedPath), before, `trial ${trial}: the published file changed`);
    assert.equal(await publishedRun(), readersRun);
  }

  const cancelled = await queryDuckDb(
    state.config.warehousePath,
    `select workflow_id, summary->>'cancelReason' as reason from _rebar.runs where status = 'cancelled'`,
  );
  assert.ok(cancelled.length > 0, 'no run was recorded cancelled');
  for (const run of cancelled) assert.match(String(run.reason), /interrupted|killed/);

  // The next run, with no hand work: says what became of the interrupted one, succeeds and publishes.
  const next = await rebar(state, ['nightly', '--scale', SCALE]);
  assert.match(next, /Nightly load SUCCESS/);
  if (lastCancelled)
    assert.match(
      next,
      new RegExp(
        `The previous run ${lastCancelled} was cancelled \\(cancelled: the command that started it was interrupted`,
      ),
    );
  const nextId = /Starting workflow nightlyLoad \((\S+)\)/.exec(next)?.[1];
  assert.equal(await publishedRun(), nextId);
  assert.deepEqual(
    await martsFingerprint(state.config.publishedPath),
    await martsFingerprint(state.config.warehousePath),
  );
  assert.deepEqual(await stillRunning(stateDir), []);
});
