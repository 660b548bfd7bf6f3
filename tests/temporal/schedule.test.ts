import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { registerNightlySchedule } from '../../orchestration/src/temporal/schedule.js';
import { testConfig } from '../support/testConfig.js';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: testConfig().temporalBin } } });
});

afterAll(async () => {
  await env?.teardown();
});

test('rebar schedule registers a nightly cron in the configured time zone with overlap SKIP, and updates it in place', async () => {
  const created = await registerNightlySchedule({ client: env.client, scheduleId: 'rebar-nightly-test', taskQueue: 'rebar', cron: '0 2 * * *', timezone: 'America/Chicago' });
  assert.equal(created.created, true);
  const next = new Date(created.nextRunTimes[0]!);
  const chicagoHour = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hour12: false }).format(next));
  assert.equal(chicagoHour, 2, `next run ${next.toISOString()} is 02:00 in Chicago`);

  const described = await env.client.schedule.getHandle('rebar-nightly-test').describe();
  assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
  assert.equal(described.action.type, 'startWorkflow');
  assert.equal(described.action.type === 'startWorkflow' ? described.action.workflowType : '', 'nightlyLoad');

  const updated = await registerNightlySchedule({ client: env.client, scheduleId: 'rebar-nightly-test', taskQueue: 'rebar', cron: '30 3 * * *', timezone: 'UTC' });
  assert.equal(updated.created, false);
  assert.match(updated.nextRunTimes[0]!, /T03:30:00/);
});
