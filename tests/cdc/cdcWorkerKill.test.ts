import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { nightlyLoad } from '../../orchestration/src/temporal/workflows/index.js';
import { exited, startRebarWorker } from '../support/rebarWorker.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { testConfig } from '../support/testConfig.js';

// The `rebar worker` process itself SIGKILLed while a night reads the replication slot: Temporal
// retries the capture on the next worker, which carries on from the positions committed in the
// warehouse. (Ten kills at random points inside a capture: cdcKillTrials.test.ts.)
const TRIALS = 3;
const taskQueue = 'rebar-cdc-kill';
let env: TestWorkflowEnvironment;
let source: TempPostgres;
let stateDir: string;
let tablesConfig: string;

beforeAll(async () => {
  source = await startTempPostgres();
  stateDir = mkdtempSync(join(tmpdir(), 'rebar-cdc-worker-'));
  tablesConfig = join(stateDir, 'rebar.yml');
  writeFileSync(
    tablesConfig,
    'tables:\n  - { name: gate_passes, primary_key: [id], mode: cdc }\n  - { name: pass_scans, primary_key: [pass_id, scanned_at], mode: cdc }\n',
  );
  await source.client.query(`
    create table gate_passes (id bigint primary key, holder text, gate text, valid boolean);
    create table pass_scans (pass_id bigint, scanned_at timestamptz, gate text, primary key (pass_id, scanned_at));
    insert into gate_passes select n, 'holder ' || n, 'gate ' || (n % 6), true from generate_series(1, 30000) as n;
    -- Rows only the long transaction touches: its row locks block nobody else.
    insert into gate_passes select n, 'holder ' || n, 'gate 0', true from generate_series(900000, 900100) as n;
    insert into pass_scans select n % 30000, timestamptz '2026-11-01' + n * interval '1 second', 'gate ' || (n % 6)
      from generate_series(1, 30000) as n;
  `);
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testConfig().temporalBin } },
  });
});

afterAll(async () => {
  await env?.teardown();
  await source?.close();
});

function startWorker(): ChildProcess {
  return startRebarWorker({
    REBAR_SOURCE_URL: source.connectionString,
    REBAR_STATE_DIR: stateDir,
    REBAR_TABLES_CONFIG: tablesConfig,
    TEMPORAL_ADDRESS: env.address,
    REBAR_TASK_QUEUE: taskQueue,
    REBAR_CHUNK_ROWS: '500',
    REBAR_LOG_LEVEL: 'warn',
  });
}

async function assertRawEqualsSource(label: string): Promise<void> {
  assert.deepEqual(
    await sourceEqualsWarehouse({
      sourceUrl: source.connectionString,
      warehousePath: join(stateDir, 'warehouse.duckdb'),
      schemas: ['public'],
      tables: ['gate_passes', 'pass_scans'],
    }),
    [],
    label,
  );
}

test(`the worker SIGKILLed while a night reads the slot, ${TRIALS} times: the next worker finishes it, raw equal to the source`, async () => {
  let worker = startWorker();
  const longWriter = new pg.Client({ connectionString: source.connectionString });
  await longWriter.connect();
  try {
    const first = await env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId: 'cdc-first', args: [{}] });
    assert.equal(first.status, 'success');
    await assertRawEqualsSource('first night');
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 1; trial <= TRIALS; trial += 1) {
      await source.client.query(`
        update gate_passes set valid = not valid where id % ${3 + trial} = 0 and id < 800000;
        delete from gate_passes where id % ${40 + trial} = 0 and id < 800000;
        insert into gate_passes select n, 'late ' || n, 'gate 9', true from generate_series(${100000 * trial}, ${100000 * trial + 5000}) as n;
        delete from pass_scans where pass_id % ${20 + trial} = 0;
      `);
      // A transaction opened in trial 1 and committed in trial 3: invisible until then.
      if (trial === 1) {
        await longWriter.query('begin');
        await longWriter.query("update gate_passes set holder = 'held open' where id >= 900000");
      }
      if (trial === 3) await longWriter.query('commit');
      const handle = await env.client.workflow.start(nightlyLoad, {
        taskQueue,
        workflowId: `cdc-kill-${trial}`,
        args: [{ heartbeatTimeoutSeconds: 5 }],
      });
      // Once the capture has started: killed then, or a moment into it.
      for (let waited = 0; waited < 60_000; waited += 50) {
        const events = (await handle.fetchHistory()).events ?? [];
        if (events.some((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'captureChanges'))
          break;
        await sleep(50);
      }
      const killAfterMs = Math.round(random() * 1500);
      await sleep(killAfterMs);
      const running = (await handle.describe()).status.name;
      worker.kill('SIGKILL');
      await exited(worker);
      worker = startWorker();
      const summary: RunSummary = await handle.result();
      const retried = ((await handle.fetchHistory()).events ?? []).some(
        (event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
      );
      console.log(
        `trial ${trial}: killed ${killAfterMs} ms into the capture (${running}), ${retried ? 'an activity retried on the next worker' : 'no activity retried'}; status ${summary.status}; slot held ${summary.replicationSlot?.retainedBytesBefore} bytes before, ${summary.replicationSlot?.retainedBytesAfter} after`,
      );
      assert.equal(summary.status, 'success', summary.failure);
      await assertRawEqualsSource(`trial ${trial}`);
    }
  } finally {
    worker.kill('SIGKILL');
    await exited(worker);
    await longWriter.end();
  }
});
