import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { DuckDBInstance } from '@duckdb/node-api';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { parseRebarFile, type TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { createRebarWorker } from '../../../orchestration/src/temporal/createWorker.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';
import { nightlyLoad } from '../../../orchestration/src/temporal/workflows/index.js';

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let config: RebarConfig;
const taskQueue = 'rebar-source-errors';
const password = 'never-log-this-pw';
const sites: TableConfig = {
  name: 'sites',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
};

beforeAll(async () => {
  config = testConfig();
  source = await startTempPostgres();
  await source.client.query(`
    create table sites (id bigint primary key, name text, updated_at timestamptz not null default now());
    insert into sites (id, name) select n, 'site ' || n from generate_series(1, 10) as n;
    create role field_reader login;
    revoke all on sites from public;
  `);
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: config.temporalBin } },
  });
});

afterAll(async () => {
  await env?.teardown();
  await source?.close();
});

function sitesWorker(sourceUrl: string) {
  return createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: {
      config,
      sourceUrl,
      tables: [sites],
      discover: parseRebarFile('', 'none.yml').discover,
      dbt: { projectDir: config.dbtProjectDir },
      loader: createWarehouse(config),
    },
  });
}

const urlWith = (user: string, database: string, port = source.port) =>
  `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`;

/**
 * Runs one nightlyLoad of `sites` (dbt limited to one seed, which reads no raw table) and returns its
 * failure message and, per activity type, the attempt its last start was.
 */
async function failedRun(
  workflowId: string,
  sourceUrl: string,
): Promise<{ message: string; attempts: Record<string, number> }> {
  const worker = await sitesWorker(sourceUrl);
  let message = '';
  try {
    const summary = await worker.runUntil(
      env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId, args: [{ dbtSelect: 'us_holidays' }] }),
    );
    assert.fail(`the run should have failed: ${JSON.stringify(summary)}`);
  } catch (error) {
    assert.ok(error instanceof WorkflowFailedError, String(error));
    message = error.cause?.message ?? '';
  }
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  assert.doesNotMatch(JSON.stringify(history), new RegExp(password), 'the password is not in Temporal history');
  const typeOf = new Map<string, string>();
  const attempts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(event.eventId), scheduled.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const type = typeOf.get(String(started.scheduledEventId)) ?? '';
      attempts[type] = Math.max(attempts[type] ?? 0, started.attempt ?? 0);
    }
  }
  assert.doesNotMatch(message, new RegExp(password));
  return { message, attempts };
}

test('a misspelled database name fails at once (one attempt), naming the database and the variable to fix', async () => {
  const { message, attempts } = await failedRun('source-no-database', urlWith('postgres', 'postgress'));
  console.log(`missing database: ${JSON.stringify(attempts)} ${message}`);
  assert.equal(attempts.planLoad, 1);
  assert.match(
    message,
    new RegExp(
      `127\\.0\\.0\\.1:${source.port}/postgress answered but refused \\(database "postgress" does not exist\\): the database in REBAR_SOURCE_URL does not exist: fix the database name in REBAR_SOURCE_URL`,
    ),
  );
});

test('an unknown role fails at once, naming the user to fix', async () => {
  const { message, attempts } = await failedRun('source-no-role', urlWith('field_raeder', 'postgres'));
  assert.equal(attempts.planLoad, 1);
  assert.match(
    message,
    /rejected the login \(role "field_raeder" does not exist\): fix the user or password in REBAR_SOURCE_URL/,
  );
});

test('a table the role may not read fails at once, naming the privilege to grant; the run does not retry it', async () => {
  const { message, attempts } = await failedRun(
    'source-no-privilege',
    urlWith('field_reader', new URL(source.connectionString).pathname.slice(1)),
  );
  console.log(`missing privilege: ${JSON.stringify(attempts)} ${message}`);
  assert.equal(attempts.extractTable, 1);
  assert.match(message, /sites/);
  const run = await env.client.workflow.getHandle('source-no-privilege').fetchHistory();
  const failure = JSON.stringify(
    run.events?.find((event) => event.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure
      ?.message,
  );
  assert.match(
    failure,
    /Extracting sites failed: permission denied for table sites \(SQLSTATE 42501, not retried\): the source role lacks a privilege Rebar needs: grant it SELECT/,
  );
});

test('a stopped source is retried (transient), then reported as unreachable', async () => {
  const stopped = await startTempPostgres();
  const port = stopped.port;
  await stopped.client.end();
  await stopped.stop();
  const { message, attempts } = await failedRun('source-stopped', urlWith('postgres', 'postgres', port));
  console.log(`stopped source: ${JSON.stringify(attempts)} ${message}`);
  assert.equal(attempts.planLoad, 5, 'every attempt the retry policy allows');
  assert.match(message, new RegExp(`Cannot reach the source PostgreSQL at 127\\.0\\.0\\.1:${port}/postgres`));
});

test('a stored watermark that cannot be read fails the table at once, naming `rebar reset`', async () => {
  const worker = await sitesWorker(source.connectionString);
  const loaded = await worker.runUntil(
    env.client.workflow.execute(nightlyLoad, {
      taskQueue,
      workflowId: 'source-loaded',
      args: [{ dbtSelect: 'us_holidays' }],
    }),
  );
  assert.equal(loaded.tables[0]?.status, 'success', JSON.stringify(loaded.tables));
  const instance = await DuckDBInstance.create(config.warehousePath);
  const connection = await instance.connect();
  await connection.run("update _rebar.watermarks set primary_key_values = '{not json' where table_name = 'sites'");
  connection.closeSync();
  instance.closeSync();
  const { message, attempts } = await failedRun('source-corrupted-watermark', source.connectionString);
  assert.equal(attempts.extractTable, 1);
  assert.match(
    message,
    /table sites: Extracting sites failed: The stored watermark for sites in _rebar\.watermarks cannot be read \(corrupted\)\. Run `rebar reset sites --watermark-only`/,
  );
});
