import assert from 'node:assert/strict';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../orchestration/src/config/config.js';
import { loadRebarFile, loadTablesConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../orchestration/src/warehouse/createWarehouse.js';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { generateSource } from '../../orchestration/src/source/generator/index.js';
import { createRebarWorker } from '../../orchestration/src/temporal/createWorker.js';
import { failedRunOf } from '../../orchestration/src/temporal/failedRunSummary.js';
import { nightlyLoad, type NightlyLoadInput } from '../../orchestration/src/temporal/workflows/index.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { testConfig } from '../support/testConfig.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';

// A schedule every 15 seconds: a run (or a table) is stale once it has not succeeded for 30 s.
const CRON = '*/15 * * * * *';
const WEBHOOK_PATH = '/services/T000/B000/hook-token-123';
const taskQueue = 'rebar-status-test';
// A quick, self-contained build: this test is about run history, not the models.
const quickBuild = 'us_holidays';

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let receiver: WebhookReceiver;
let config: RebarConfig;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  source = await startTempPostgres({ migrate: true });
  await generateSource(source.client, { scale: 0.02, years: 1, seed: 11, endDate: '2026-06-30' });
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testConfig().temporalBin } },
  });
  receiver = await startWebhookReceiver();
  config = testConfig({ REBAR_SCHEDULE_CRON: CRON, REBAR_ALERT_WEBHOOK_URL: receiver.url(WEBHOOK_PATH) });
  cliEnv = {
    REBAR_STATE_DIR: config.stateDir,
    REBAR_SCHEDULE_CRON: CRON,
    TEMPORAL_ADDRESS: env.address,
    REBAR_ALERT_WEBHOOK_URL: receiver.url(WEBHOOK_PATH),
    REBAR_LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await receiver?.close();
  await env?.teardown();
  await source?.close();
});

async function withWorker<T>(work: () => Promise<T>): Promise<T> {
  const worker = await createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: {
      config,
      sourceUrl: source.connectionString,
      tables: loadTablesConfig(config.tablesConfigPath),
      discover: loadRebarFile(config.tablesConfigPath).discover,
      dbt: { projectDir: config.dbtProjectDir },
      loader: createWarehouse(config),
    },
  });
  return worker.runUntil(work());
}

async function runNightly(workflowId: string, args: NightlyLoadInput): Promise<RunSummary> {
  try {
    return await withWorker(() => env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId, args: [args] }));
  } catch (error) {
    const failed = failedRunOf(error);
    assert.ok(failed, String(error));
    return failed.summary;
  }
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

interface StatusJson {
  report: {
    stale: boolean;
    runStale: boolean;
    lastSuccessAt: string | null;
    tables: { table: string; stale: boolean; freshness: string; staleReasons: string[] }[];
  };
  runs: { status: string; failedTables: { table: string }[] }[];
}

test("rebar status shows the last runs, each source table's freshness, a table that stopped loading as stale, and exits 1 when stale", async () => {
  const first = await runNightly('status-first', { dbtSelect: quickBuild });
  assert.equal(first.status, 'success', JSON.stringify(first.tables.filter((table) => table.error)));
  assert.equal(first.freshness?.status, 'checked');
  assert.equal(
    first.freshness?.status === 'checked' ? first.freshness.tables.length : 0,
    15,
    'dbt source freshness checked every source table',
  );

  const fresh = await runCli(['status'], cliEnv);
  assert.equal(fresh.code, 0, `${fresh.stdout}\n${fresh.stderr}`);
  assert.match(fresh.stdout, /^OK: last successful run \S+, within 30 s \(twice the schedule interval\)/);
  assert.match(fresh.stdout, /SUCCESS nightly .* status-first/);
  assert.match(fresh.stdout, /ok {4}crew_checkins +loaded \S+; freshness pass/);

  // The field app's table disappears (renamed by a migration): every night from now on fails it.
  await source.client.query('alter table crew_checkins rename to crew_checkins_v2');
  try {
    const second = await runNightly('status-second', { dbtSelect: quickBuild });
    assert.equal(second.status, 'failed');
    assert.deepEqual(
      second.tables.filter((table) => table.status === 'failed').map((table) => table.table),
      ['crew_checkins'],
    );
    const failureAlert = receiver.requests
      .map((request) => JSON.parse(request.body) as { kind: string; text: string })
      .find((payload) => payload.kind === 'run_failed');
    assert.ok(failureAlert, 'the failed run posted a run_failed alert');
    assert.match(failureAlert.text, /crew_checkins/);
    assert.ok(
      receiver.requests.every(
        (request) => !request.body.includes('hook-token-123') && !request.body.includes(source.connectionString),
      ),
      'no secret in any payload',
    );

    // Past twice the interval since the last success, without a successful run since.
    await sleepUntil(Date.parse(first.finishedAt) + 31_000);
    const third = await runNightly('status-third', { dbtSelect: quickBuild });
    assert.equal(third.status, 'failed');

    const stale = await runCli(['status', '--json'], cliEnv);
    assert.equal(stale.code, 1, stale.stderr);
    const report = JSON.parse(stale.stdout) as StatusJson;
    assert.equal(report.report.stale, true);
    assert.equal(report.report.runStale, true);
    assert.deepEqual(
      report.report.tables.filter((table) => table.stale).map((table) => table.table),
      ['crew_checkins'],
      'only the table that stopped loading is stale',
    );
    assert.match(
      report.report.tables.find((table) => table.table === 'crew_checkins')?.staleReasons[0] ?? '',
      /^no successful load since /,
    );
    assert.deepEqual(
      report.runs.slice(0, 3).map((run) => run.status),
      ['failed', 'failed', 'success'],
    );
    assert.deepEqual(
      report.runs[0]?.failedTables.map((table) => table.table),
      ['crew_checkins'],
    );

    const text = await runCli(['status', '--notify'], cliEnv);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^STALE: no run has succeeded within 30 s/);
    assert.match(
      text.stdout,
      /STALE crew_checkins +loaded \S+; freshness pass \(newest row \S+\) - no successful load since/,
    );
    assert.match(text.stdout, /reason: table crew_checkins: .*does not exist/);
    const staleAlert = receiver.requests
      .map((request) => JSON.parse(request.body) as { kind: string; text: string })
      .find((payload) => payload.kind === 'run_stale');
    assert.ok(staleAlert, 'status --notify posted a run_stale alert');
    assert.match(staleAlert.text, /crew_checkins/);
    console.log(`status while stale:\n${text.stdout}`);
  } finally {
    await source.client.query('alter table crew_checkins_v2 rename to crew_checkins');
  }
});

test("rebar status shows a running load's progress from its workflow, reading history from the published copy while the load holds the warehouse", async () => {
  const run = withWorker(() =>
    env.client.workflow.execute(nightlyLoad, {
      taskQueue,
      workflowId: 'status-live',
      args: [{ dbtSelect: quickBuild }],
    }),
  );
  const seen: string[] = [];
  let done = false;
  void run
    .finally(() => {
      done = true;
    })
    .catch(() => undefined);
  while (!done) {
    const status = await runCli(['status'], cliEnv);
    const live = /status-live since \S+: (nightly [a-z ]+: \d+\/\d+ tables, [\d,]+ rows extracted)/.exec(status.stdout);
    if (live && !done) seen.push(live[1]!);
  }
  const summary = await run;
  assert.equal(summary.status, 'success');
  console.log(`progress seen by rebar status during the run: ${[...new Set(seen)].join(' | ')}`);
  assert.ok(seen.length > 0, 'rebar status saw the run in progress');
  const after = await runCli(['status'], cliEnv);
  assert.equal(after.code, 0, after.stdout);
  assert.match(after.stdout, /Running now:\n {2}nothing/);
});
