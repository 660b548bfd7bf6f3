import { Client, ScheduleOverlapPolicy, ScheduleNotFoundError, type ScheduleOptions } from '@temporalio/client';

export interface RegisterNightlyScheduleInput {
  client: Client;
  scheduleId: string;
  taskQueue: string;
  cron: string;
  timezone: string;
}

export interface RegisterNightlyScheduleOutput {
  scheduleId: string;
  created: boolean;
  nextRunTimes: string[];
}

/** Creates (or updates in place) the Temporal Schedule that starts nightlyLoad; overlapping runs are skipped. */
export async function registerNightlySchedule(input: RegisterNightlyScheduleInput): Promise<RegisterNightlyScheduleOutput> {
  const options: ScheduleOptions = {
    scheduleId: input.scheduleId,
    spec: { cronExpressions: [input.cron], timezone: input.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'nightlyLoad',
      workflowId: `${input.scheduleId}-run`,
      taskQueue: input.taskQueue,
      args: [{}],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
  let created = true;
  const handle = input.client.schedule.getHandle(input.scheduleId);
  try {
    await handle.describe();
    created = false;
    await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: options.policies }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await input.client.schedule.create(options);
  }
  const description = await handle.describe();
  return {
    scheduleId: input.scheduleId,
    created,
    nextRunTimes: description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
  };
}
