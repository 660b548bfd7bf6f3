import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { generateSource } from '../../orchestration/src/source/generator/index.js';
import { nightlyLoad } from '../../orchestration/src/temporal/workflows/index.js';
import { startFakesnow, type Fakesnow } from '../support/fakesnow.js';
import { projectRoot } from '../support/projectRoot.js';
import { exited, startRebarWorker } from '../support/rebarWorker.js';
import { assertSnowflakeRawEqualsSource } from '../support/snowflakeRawEqualsSource.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { testConfig } from '../support/testConfig.js';

// Several `rebar worker` processes on one Temporal server: with the Snowflake target they share a
// night's tables, and when one is SIGKILLed the other finishes the night; with the DuckDB target a
// second worker refuses to start.
let env: TestWorkflowEnvironment;
let source: TempPostgres;
let fakesnow: Fakesnow;
let tablesConfig: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres({ migrate: true }), startFakesnow()]);
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 19, endDate: '2026-06-30' });
  // The demo's tables on a database that is not the demo, extract-only (no dbt section): the night is
  // all extraction and loading, what the workers share.
  tablesConfig = join(mkdtempSync(join(tmpdir(), 'rebar-two-workers-')), 'rebar.yml');
  const demoFile = readFileSync(join(projectRoot, 'rebar.yml'), 'utf8');
  writeFileSync(
    tablesConfig,
    demoFile
      .split('\n')
      .filter((line) => !/^(demo|dbt):/.test(line))
      .join('\n'),
  );
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testConfig().temporalBin } },
  });
});

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await env?.teardown();
  await source?.close();
  await fakesnow?.stop();
});

/** `rebar worker` in a process of its own, with a state folder of its own (as on another machine). */
function startWorker(taskQueue: string, target: Record<string, string>): { child: ChildProcess; output: () => string } {
  const chunks: string[] = [];
  const child = startRebarWorker(
    {
      ...target,
      REBAR_SOURCE_URL: source.connectionString,
      REBAR_STATE_DIR: mkdtempSync(join(tmpdir(), 'rebar-worker-state-')),
      REBAR_TABLES_CONFIG: tablesConfig,
      TEMPORAL_ADDRESS: env.address,
      REBAR_TASK_QUEUE: taskQueue,
      REBAR_CHUNK_ROWS: '2000',
      REBAR_EXTRACT_PARALLELISM: '2',
      REBAR_LOG_LEVEL: 'warn',
    },
    'pipe',
  );
  child.stdout!.on('data', (data: Buffer) => chunks.push(data.toString()));
  child.stderr!.on('data', (data: Buffer) => chunks.push(data.toString()));
  workers.push(child);
  return { child, output: () => chunks.join('') };
}

async function untilPolling(worker: { child: ChildProcess; output: () => string }): Promise<void> {
  for (let waited = 0; !worker.output().includes('Worker polling'); waited += 100) {
    if (waited > 120_000 || worker.child.exitCode !== null)
      throw new Error(`the worker did not start polling:\n${worker.output()}`);
    await sleep(100);
  }
}

test('with the DuckDB target a second worker on the task queue refuses to start, naming the first', async () => {
  const first = startWorker('rebar-duckdb-pair', {});
  await untilPolling(first);
  const second = startWorker('rebar-duckdb-pair', {});
  const code = await exited(second.child);
  assert.equal(code, 1, second.output());
  assert.match(
    second.output(),
    /Another worker polls task queue rebar-duckdb-pair \(\d+@\S+ rebar\/duckdb\): the DuckDB target takes exactly one worker/,
  );
  first.child.kill('SIGINT');
  await exited(first.child);
});

test('two workers share a night on the Snowflake target; one is SIGKILLed mid-run and the other finishes it, raw equal to the source', async () => {
  const taskQueue = 'rebar-snowflake-pair';
  const one = startWorker(taskQueue, fakesnow.env);
  const two = startWorker(taskQueue, fakesnow.env);
  await Promise.all([untilPolling(one), untilPolling(two)]);
  const handle = await env.client.workflow.start(nightlyLoad, {
    taskQueue,
    workflowId: 'two-workers-night',
    args: [{ heartbeatTimeoutSeconds: 5 }],
  });
  const identities = (pid: number | undefined) => new RegExp(`^${pid}@`);
  /** Who started each activity task so far: [worker identity, activity type]. */
  const startedBy = async (): Promise<[string, string][]> => {
    const events = (await handle.fetchHistory()).events ?? [];
    const types = new Map(
      events.map((event) => [
        String(event.eventId),
        event.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
      ]),
    );
    return events
      .map((event) => event.activityTaskStartedEventAttributes)
      .filter((started) => typeof started?.identity === 'string')
      .map((started) => [started!.identity!, types.get(String(started!.scheduledEventId)) ?? '']);
  };
  const extractionsBy = (started: [string, string][], pid: number | undefined) =>
    started.filter(([identity, type]) => identities(pid).test(identity) && type === 'extractTable').length;
  // Both have picked up extractions of this night before one is killed.
  for (let waited = 0; ; waited += 200) {
    const started = await startedBy();
    if (extractionsBy(started, one.child.pid) > 0 && extractionsBy(started, two.child.pid) > 0) break;
    if (waited > 300_000) throw new Error(`both workers never ran an extraction: ${JSON.stringify(started)}`);
    await sleep(200);
  }
  const runningBeforeKill = (await handle.describe()).status.name;
  one.child.kill('SIGKILL');
  await exited(one.child);
  const summary: RunSummary = await handle.result();
  const started = await startedBy();
  const retried = ((await handle.fetchHistory()).events ?? []).filter(
    (event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
  ).length;
  const byOne = extractionsBy(started, one.child.pid);
  const byTwo = extractionsBy(started, two.child.pid);
  console.log(
    `extractions started: ${byOne} by the killed worker, ${byTwo} by the one that finished (run ${runningBeforeKill} when the first was killed; ${started.length} activity tasks in all, ${retried} of them retried after an attempt on the killed worker); ${summary.tables.length} tables, status ${summary.status}`,
  );
  assert.equal(runningBeforeKill, 'RUNNING');
  assert.equal(summary.status, 'success', summary.failure);
  assert.ok(byOne >= 1 && byTwo >= 1);
  const equal = await assertSnowflakeRawEqualsSource({
    config: testConfig({ ...fakesnow.env, REBAR_TABLES_CONFIG: tablesConfig }),
    source: source.client,
    summary,
  });
  console.log(`raw equal to the source by value: ${equal}`);
  two.child.kill('SIGINT');
  await exited(two.child);
});
