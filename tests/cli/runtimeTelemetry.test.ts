import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, test } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../orchestration/src/temporal/devServer.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { testConfig } from '../support/testConfig.js';
import { nightlyLoad } from '../../orchestration/src/temporal/workflows/index.js';

// One state folder and one Temporal dev server (TEMPORAL_ADDRESS) for the file: the test reads each
// run's history from the server after the CLI has exited.
const stateDir = mkdtempSync(join(tmpdir(), 'rebar-telemetry-'));
const logFile = join(stateDir, 'rebar.log');
let server: TemporalDevServer;
let env: Record<string, string>;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  server = await startTemporalDevServer({
    temporalBin: testConfig().temporalBin,
    stateDir: mkdtempSync(join(tmpdir(), 'rebar-telemetry-temporal-')),
  });
  env = {
    REBAR_STATE_DIR: stateDir,
    REBAR_LOG_LEVEL: 'info',
    TEMPORAL_ADDRESS: server.address,
    REBAR_EXTRACT_PARALLELISM: '3',
  };
});

afterAll(async () => {
  if (worker?.exitCode === null) worker.kill('SIGINT');
  await server?.stop();
});

/** What the Temporal SDK itself prints (DefaultLogger's "[LEVEL] message {meta}" lines, core lines, webpack's bundle report). */
const SDK_LINE =
  /taskToken|\[(TRACE|DEBUG|INFO|WARN|ERROR)\]|Activity failed|Worker state changed|Workflow bundle|sdkComponent|webpack/;

function workflowIdOf(stdout: string): string {
  const match = /Starting workflow nightlyLoad \(([^)]+)\)/.exec(stdout);
  assert.ok(match, `no workflow id in:\n${stdout}`);
  return match[1] ?? '';
}

test('an activity that fails (planLoad on an unknown table) is logged with its task token in .rebar/rebar.log, not on the console', async () => {
  const result = await runCli(['nightly', '--tables', 'no_such_table', '--scale', '0.02'], env);
  assert.equal(result.code, 2, result.stderr + result.stdout);
  // Rebar's own error stays on the console.
  assert.match(result.stderr, /rebar: Nightly load failed before extracting: Unknown table\(s\) no_such_table/);
  const sdkLines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => SDK_LINE.test(line));
  assert.deepEqual(sdkLines, [], 'no Temporal SDK line on the console');
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /\[WARN\] Activity failed .*"taskToken":"[^"]+".*"activityType":"planLoad"/);
  assert.match(log, /\[INFO\] Worker state changed .*"state":"STOPPED"/);
});

test("a real nightly: the progress follows dbt's nodes after extraction, the console holds no SDK line, and every extract names its table in the Temporal UI", async () => {
  const result = await runCli(['nightly', '--scale', '0.02'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.deepEqual(
    `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => SDK_LINE.test(line)),
    [],
    'no Temporal SDK line on the console',
  );

  // Not a terminal: one JSON progress line per change on stderr, each with the bar's text as msg.
  const progress = result.stderr
    .split('\n')
    .filter((line) => line.includes('"run_progress"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const building = progress.filter((line) => line.phase === 'building' && typeof line.dbtNodesTotal === 'number');
  console.log(progress.map((line) => line.msg).join('\n'));
  assert.ok(
    building.length >= 2,
    `dbt's node counts reached the CLI at least twice while it built: ${JSON.stringify(progress.map((line) => line.msg))}`,
  );
  const total = Number(building[0]?.dbtNodesTotal);
  // The demo project builds dozens of models and tests; every count is of one total, and rises.
  assert.ok(total > 50, `dbt total ${total}`);
  assert.ok(
    building.every(
      (line) => line.dbtNodesTotal === total && Number(line.dbtNodesDone) >= 1 && Number(line.dbtNodesDone) <= total,
    ),
  );
  const done = building.map((line) => Number(line.dbtNodesDone));
  assert.deepEqual(
    done,
    [...done].sort((a, b) => a - b),
    'nodes done never go back',
  );
  assert.match(String(building[0]?.msg), new RegExp(`^nightly building: dbt: ${done[0]}/${total} nodes$`));
  assert.ok(
    progress.every(
      (line) => line.phase === 'extracting' || line.phase === 'planning' || !/tables/.test(String(line.msg)),
    ),
    'past extraction no line counts tables',
  );

  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const history = await client.workflow.getHandle(workflowIdOf(result.stdout)).fetchHistory();
    const scheduled = (history.events ?? []).filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'extractTable',
    );
    const summaries = scheduled.map((event) => {
      const payload = event.userMetadata?.summary;
      return payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
    });
    const tables = scheduled.map(
      (event) =>
        defaultPayloadConverter.fromPayload<{ table: { name: string } }>(
          event.activityTaskScheduledEventAttributes?.input?.payloads?.[0] ?? {},
        ).table.name,
    );
    assert.equal(scheduled.length, 15);
    assert.deepEqual(
      summaries,
      tables.map((table) => `extract ${table}`),
    );
    assert.ok(tables.includes('crew_checkins') && new Set(tables).size === 15);
  } finally {
    await connection.close();
  }
});

test('`rebar worker` prints one line when a run starts (id, kind, trigger) and one when it ends (status, rows, duration, published)', async () => {
  const cli = join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js');
  const started = spawn(process.execPath, [cli, 'worker'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker = started;
  let stdout = '';
  let stderr = '';
  started.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    // An extract-only run started as the CLI starts them; nothing changed since the last nightly, so it is quick.
    const workflowId = `rebar-nightly-manual-telemetry-${Date.now()}`;
    const summary = await client.workflow.execute(nightlyLoad, {
      taskQueue: 'rebar',
      workflowId,
      args: [{ dbt: false }],
    });
    const extracted = summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0);
    const written = summary.tables.reduce((sum, table) => sum + table.rowsWritten, 0);
    const deadline = Date.now() + 60_000;
    while (!/Run finished/.test(stdout) && Date.now() < deadline)
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    console.log(stdout);
    const runLines = stdout.split('\n').filter((line) => line.startsWith('Run '));
    assert.equal(runLines.length, 2, stdout + stderr);
    assert.equal(runLines[0], `Run started: ${workflowId} (nightly, triggered from the CLI)`);
    assert.match(
      runLines[1] ?? '',
      new RegExp(
        `^Run finished: ${workflowId} success, ${extracted} rows extracted, ${written} written, \\d+\\.\\d s, published$`,
      ),
    );
    assert.deepEqual(
      `${stdout}\n${stderr}`.split('\n').filter((line) => SDK_LINE.test(line)),
      [],
      "no Temporal SDK line on the worker's console",
    );
  } finally {
    await connection.close();
    started.kill('SIGINT');
    await new Promise((resolveExit) =>
      started.exitCode === null ? started.once('exit', resolveExit) : resolveExit(undefined),
    );
  }
});
