import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import {
  describeNightlySchedule,
  pauseNightlySchedule,
  registerNightlySchedule,
  resumeNightlySchedule,
  triggerNightlySchedule,
} from '../../orchestration/src/temporal/schedule.js';
import { runCli } from '../support/runCli.js';
import { testConfig } from '../support/testConfig.js';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testConfig().temporalBin } },
  });
});

afterAll(async () => {
  await env?.teardown();
});

const spec = {
  taskQueue: 'rebar-schedule-test',
  cron: '0 2 * * *',
  timezone: 'America/Chicago',
  catchupWindow: '6 hours',
};

/** Polls until `check` passes or the deadline; schedules act asynchronously on the server. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('rebar schedule create registers a nightly cron in the configured time zone with overlap SKIP and a catch-up window, and updates it in place', async () => {
  const created = await registerNightlySchedule(env.client, { scheduleId: 'rebar-nightly-test', ...spec });
  assert.equal(created.created, true);
  const next = new Date(created.nextRunTimes[0]!);
  const chicagoHour = Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hour12: false }).format(next),
  );
  assert.equal(chicagoHour, 2, `next run ${next.toISOString()} is 02:00 in Chicago`);

  const described = await env.client.schedule.getHandle('rebar-nightly-test').describe();
  assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
  assert.equal(described.policies.catchupWindow, 6 * 3600 * 1000);
  assert.equal(described.action.type, 'startWorkflow');
  assert.equal(described.action.type === 'startWorkflow' ? described.action.workflowType : '', 'nightlyLoad');

  const updated = await registerNightlySchedule(env.client, {
    scheduleId: 'rebar-nightly-test',
    ...spec,
    cron: '30 3 * * *',
    timezone: 'UTC',
  });
  assert.equal(updated.created, false);
  assert.match(updated.nextRunTimes[0]!, /T03:30:00/);
  const mine = await describeNightlySchedule(env.client, 'rebar-nightly-test');
  assert.equal(mine.cron, '30 3 * * * (UTC)');
  assert.equal(mine.catchupWindowSeconds, 6 * 3600);
});

test('pause stops the schedule with a note and resume restarts it; trigger starts a nightlyLoad now, named after the schedule, and a second trigger while it runs is skipped', async () => {
  const scheduleId = 'rebar-nightly-ops';
  await registerNightlySchedule(env.client, { scheduleId, ...spec });
  await pauseNightlySchedule(env.client, scheduleId, 'source database maintenance');
  let described = await describeNightlySchedule(env.client, scheduleId);
  assert.equal(described.paused, true);
  assert.equal(described.note, 'source database maintenance');
  await resumeNightlySchedule(env.client, scheduleId, 'maintenance over');
  described = await describeNightlySchedule(env.client, scheduleId);
  assert.equal(described.paused, false);
  assert.ok(described.nextRunTimes.length > 0);

  // No worker polls this task queue, so the triggered run stays open: the overlap policy sees it.
  await triggerNightlySchedule(env.client, scheduleId);
  described = await eventually(
    () => describeNightlySchedule(env.client, scheduleId),
    (value) => value.runningWorkflowIds.length === 1,
    'the triggered run is running',
  );
  const workflowId = described.runningWorkflowIds[0]!;
  assert.match(workflowId, new RegExp(`^${scheduleId}-run-`));
  await triggerNightlySchedule(env.client, scheduleId);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  described = await describeNightlySchedule(env.client, scheduleId);
  assert.deepEqual(described.runningWorkflowIds, [workflowId], 'the overlapping trigger was skipped');
  assert.equal(described.recentRuns.length, 1);

  // What Temporal's UI shows for the run: its type, the schedule that started it, when for, and the memo.
  const run = await env.client.workflow.getHandle(workflowId).describe();
  assert.equal(run.type, 'nightlyLoad');
  assert.equal(run.taskQueue, spec.taskQueue);
  assert.deepEqual(run.searchAttributes.TemporalScheduledById, [scheduleId]);
  assert.ok(run.searchAttributes.TemporalScheduledStartTime, 'scheduled start time recorded');
  assert.equal(run.memo?.rebarScheduleId, scheduleId);
  assert.equal(run.memo?.rebarTrigger, 'schedule');
  await env.client.workflow.getHandle(workflowId).terminate('test over');
});

test('the rebar schedule CLI creates, pauses, describes, triggers and deletes against a Temporal server, and names an unknown schedule', async () => {
  const cliEnv = {
    TEMPORAL_ADDRESS: env.address,
    REBAR_TASK_QUEUE: spec.taskQueue,
    REBAR_SCHEDULE_CATCHUP_WINDOW: '2 hours',
  };
  const create = await runCli(['schedule', 'create', '--id', 'rebar-cli', '--cron', '15 1 * * *'], cliEnv);
  assert.equal(create.code, 0, create.stderr);
  assert.match(create.stdout, /Created schedule rebar-cli; next runs: \S+T01:15:00/);
  const pause = await runCli(['schedule', 'pause', '--id', 'rebar-cli', '--note', 'holiday'], cliEnv);
  assert.equal(pause.code, 0, pause.stderr);
  const describe = await runCli(['schedule', 'describe', '--id', 'rebar-cli'], cliEnv);
  assert.equal(describe.code, 0, describe.stderr);
  assert.match(describe.stdout, /Schedule rebar-cli: PAUSED \(holiday\)/);
  assert.match(describe.stdout, /overlapping runs: .*SKIP; missed runs start late within 2 hours/);
  const trigger = await runCli(['schedule', 'trigger', '--id', 'rebar-cli'], cliEnv);
  assert.equal(trigger.code, 0, trigger.stderr);
  const running = await eventually(
    () => describeNightlySchedule(env.client, 'rebar-cli'),
    (value) => value.runningWorkflowIds.length === 1,
    'the CLI-triggered run is running',
  );
  const started = running.runningWorkflowIds[0]!;
  assert.equal(
    trigger.stdout,
    `Triggered schedule rebar-cli: started ${started}; follow it with rebar status or in Temporal's UI\n`,
  );
  // No worker polls the queue, so that run is still going: a second trigger is skipped, and says so.
  const skipped = await runCli(['schedule', 'trigger', '--id', 'rebar-cli'], cliEnv);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(
    skipped.stdout,
    `Skipped: schedule rebar-cli did not start a run, because ${started} is still running (overlap policy SKIP)\n`,
  );
  assert.deepEqual((await describeNightlySchedule(env.client, 'rebar-cli')).runningWorkflowIds, [started]);
  await env.client.workflow.getHandle(started).terminate('test over');
  const remove = await runCli(['schedule', 'delete', '--id', 'rebar-cli'], cliEnv);
  assert.equal(remove.code, 0, remove.stderr);
  const gone = await runCli(['schedule', 'describe', '--id', 'rebar-cli'], cliEnv);
  assert.equal(gone.code, 1);
  assert.match(
    gone.stderr,
    /No schedule "rebar-cli" in this Temporal namespace: create it with `rebar schedule create`/,
  );
});
