import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, test } from 'vitest';
import { pollProgress } from '../../orchestration/src/cli/progressPolling.js';
import type { RunProgress } from '../../orchestration/src/runs/runProgress.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../orchestration/src/temporal/devServer.js';
import { testConfig } from '../support/testConfig.js';
import { nightlyLoad } from '../../orchestration/src/temporal/workflows/index.js';

/** Errors nothing caught: what killed `rebar nightly` (issue 13, item 6). */
const uncaught: unknown[] = [];
const collect = (error: unknown) => uncaught.push(error);

beforeAll(() => {
  process.on('uncaughtException', collect);
});

afterAll(() => {
  process.off('uncaughtException', collect);
});

let server: TemporalDevServer | undefined;

afterAll(async () => {
  await server?.stop();
});

const wait = (ms: number) => new Promise((resolveWait) => setTimeout(resolveWait, ms));

test('progress polling stopped while its query is retrying leaves nothing behind to fire on the closed connection', async () => {
  server = await startTemporalDevServer({
    temporalBin: testConfig().temporalBin,
    stateDir: mkdtempSync(join(tmpdir(), 'rebar-polling-')),
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  // No worker polls this task queue, so every progress query stays in flight until the server answers.
  const handle = await client.workflow.start(nightlyLoad, {
    taskQueue: 'rebar-nobody-polls',
    workflowId: 'polling-under-a-dying-server',
    args: [{}],
  });
  const updates: RunProgress[] = [];
  const errors: unknown[] = [];
  const polling = pollProgress({
    handle,
    connection,
    reporter: { update: (progress) => updates.push(progress), stop: () => undefined },
    onError: (error) => errors.push(error),
    intervalMs: 20,
  });
  await wait(500);
  // The server goes away under the query in flight: the gRPC client now retries it from its own timers.
  await server.stop();
  server = undefined;
  await wait(300);
  await polling.stop();
  await connection.close();
  // Long enough for every retry timer the client could have left (10 attempts, backoff from 100 ms).
  await wait(8_000);
  assert.deepEqual(uncaught.map(String), [], 'no error escaped the polling after the connection closed');
  assert.deepEqual(updates, [], 'no worker ever answered');
});

test('a long run polled every second leaves no listener behind per query (no MaxListenersExceededWarning on stderr)', async () => {
  const own = await startTemporalDevServer({
    temporalBin: testConfig().temporalBin,
    stateDir: mkdtempSync(join(tmpdir(), 'rebar-polling-')),
  });
  const warnings: Error[] = [];
  const collectWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', collectWarning);
  try {
    const connection = await Connection.connect({ address: own.address });
    const client = new Client({ connection });
    const handle = await client.workflow.start(nightlyLoad, {
      taskQueue: 'rebar-nobody-polls',
      workflowId: 'polling-many-times',
      args: [{}],
    });
    const errors: unknown[] = [];
    // No worker answers, so each query ends at its short deadline: many queries in little time.
    const polling = pollProgress({
      handle,
      connection,
      reporter: { update: () => undefined, stop: () => undefined },
      onError: (error) => errors.push(error),
      intervalMs: 10,
      queryTimeoutMs: 50,
    });
    while (errors.length < 20) await wait(100);
    await polling.stop();
    await connection.close();
    await wait(100);
    assert.deepEqual(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String), []);
  } finally {
    process.off('warning', collectWarning);
    await own.stop();
  }
});
