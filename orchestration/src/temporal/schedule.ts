import {
  Client,
  ScheduleOverlapPolicy,
  ScheduleNotFoundError,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import { nightlyLoad, type NightlyLoadInput } from './workflows/index.js';
import { UserError } from '../errors/userError.js';

export interface NightlyScheduleSpec {
  scheduleId: string;
  taskQueue: string;
  cron: string;
  timezone: string;
  /** How late a missed run (Temporal or the workers down at its time) may still start, e.g. "12 hours". */
  catchupWindow: string;
  /** What each scheduled run does (e.g. a dbt selector); a full nightly load when empty. */
  workflowInput?: NightlyLoadInput;
}

export interface RegisterNightlyScheduleOutput {
  scheduleId: string;
  created: boolean;
  nextRunTimes: string[];
}

/** A schedule as `rebar schedule describe` prints it. */
export interface NightlyScheduleDescription {
  scheduleId: string;
  /** The cron expression and time zone it was created with (Temporal describes cron as calendars). */
  cron: string;
  timezone: string;
  paused: boolean;
  note: string | undefined;
  overlap: string;
  catchupWindowSeconds: number;
  nextRunTimes: string[];
  recentRuns: { scheduledAt: string; startedAt: string; workflowId: string }[];
  runningWorkflowIds: string[];
}

/**
 * Creates (or updates in place) the Temporal Schedule that starts nightlyLoad. Overlapping runs
 * are skipped (two loads never write the warehouse at once); a run missed while Temporal or every
 * worker was down starts on recovery only within the catch-up window. Each run's workflow id is
 * `<scheduleId>-run-<scheduled time>` (Temporal appends the time); its memo and summary name the
 * schedule, and Temporal sets TemporalScheduledById / TemporalScheduledStartTime, so the UI shows
 * which schedule started a run and for when.
 */
export async function registerNightlySchedule(
  client: Client,
  spec: NightlyScheduleSpec,
): Promise<RegisterNightlyScheduleOutput> {
  const options: ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof nightlyLoad>> = {
    scheduleId: spec.scheduleId,
    spec: { cronExpressions: [spec.cron], timezone: spec.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: nightlyLoad,
      workflowId: `${spec.scheduleId}-run`,
      taskQueue: spec.taskQueue,
      args: [spec.workflowInput ?? {}],
      memo: {
        rebarTrigger: 'schedule',
        rebarScheduleId: spec.scheduleId,
        rebarCron: `${spec.cron} (${spec.timezone})`,
      },
      staticSummary: `Rebar nightly load from schedule ${spec.scheduleId} (${spec.cron}, ${spec.timezone})`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: spec.catchupWindow },
  };
  let created = true;
  const handle = client.schedule.getHandle(spec.scheduleId);
  try {
    await handle.describe();
    created = false;
    await handle.update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: options.policies,
    }));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create(options);
  }
  const description = await handle.describe();
  return {
    scheduleId: spec.scheduleId,
    created,
    nextRunTimes: description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
  };
}

export async function describeNightlySchedule(client: Client, scheduleId: string): Promise<NightlyScheduleDescription> {
  const description = await withKnownSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).describe());
  return {
    scheduleId,
    cron:
      description.action.type === 'startWorkflow' ? String(description.action.memo?.rebarCron ?? 'unknown') : 'unknown',
    timezone: description.spec.timezone ?? 'UTC',
    paused: description.state.paused,
    note: description.state.note,
    overlap: String(description.policies.overlap),
    catchupWindowSeconds: Math.round(description.policies.catchupWindow / 1000),
    nextRunTimes: description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()),
    recentRuns: description.info.recentActions.map((action) => ({
      scheduledAt: action.scheduledAt.toISOString(),
      startedAt: action.takenAt.toISOString(),
      workflowId: action.action.workflow.workflowId,
    })),
    runningWorkflowIds: description.info.runningActions.map((action) => action.workflow.workflowId),
  };
}

/** Stops future runs (a run in progress carries on); the note says why, in Temporal's UI too. */
export async function pauseNightlySchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  await withKnownSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).pause(note));
}

export async function resumeNightlySchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  await withKnownSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).unpause(note));
}

/** What became of a trigger: a run started, skipped (overlap) beside the runs still going, or not known within the wait. */
export type TriggerOutcome =
  | { outcome: 'started'; workflowId: string }
  | { outcome: 'skipped'; runningWorkflowIds: string[] }
  | { outcome: 'unknown'; waitedSeconds: number };

/**
 * Starts a run now, skipped while another run of the schedule is still going (the client's default
 * would allow both). Temporal acts on a trigger asynchronously and the call returns before it has,
 * so the outcome is read from the schedule's counters of actions taken and skipped for overlap.
 */
export async function triggerNightlySchedule(
  client: Client,
  scheduleId: string,
  waitSeconds = 30,
): Promise<TriggerOutcome> {
  return withKnownSchedule(scheduleId, async () => {
    const handle = client.schedule.getHandle(scheduleId);
    const before = (await handle.describe()).info;
    await handle.trigger(ScheduleOverlapPolicy.SKIP);
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const { info } = await handle.describe();
      if (info.numActionsSkippedOverlap > before.numActionsSkippedOverlap) {
        return {
          outcome: 'skipped',
          runningWorkflowIds: info.runningActions.map((action) => action.workflow.workflowId),
        };
      }
      if (info.numActionsTaken > before.numActionsTaken) {
        const newest = [...info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
        if (newest) return { outcome: 'started', workflowId: newest.action.workflow.workflowId };
      }
      if (Date.now() > deadline) return { outcome: 'unknown', waitedSeconds: waitSeconds };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
}

export async function deleteNightlySchedule(client: Client, scheduleId: string): Promise<void> {
  await withKnownSchedule(scheduleId, () => client.schedule.getHandle(scheduleId).delete());
}

export class UnknownScheduleError extends UserError {}

async function withKnownSchedule<T>(scheduleId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) {
      throw new UnknownScheduleError(
        `No schedule "${scheduleId}" in this Temporal namespace: create it with \`rebar schedule create\` (or pass --id).`,
      );
    }
    throw error;
  }
}
