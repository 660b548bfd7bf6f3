import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import {
  deleteNightlySchedule,
  describeNightlySchedule,
  pauseNightlySchedule,
  registerNightlySchedule,
  resumeNightlySchedule,
  triggerNightlySchedule,
  type NightlyScheduleDescription,
} from '../../temporal/schedule.js';
import { defaultTemporalAddress, withTemporalClient } from './temporalClient.js';

const DEFAULT_SCHEDULE_ID = 'rebar-nightly';

/** `rebar schedule create|describe|pause|resume|trigger|delete`: the Temporal Schedule that runs nightlyLoad. */
export function registerScheduleCommands(program: Command, config: () => RebarConfig): void {
  const schedule = program
    .command('schedule')
    .description(
      `The Temporal Schedule that runs the nightly load (TEMPORAL_ADDRESS, default ${defaultTemporalAddress}); a worker (rebar worker) must poll the task queue`,
    );
  const withId = (command: Command) => command.option('--id <scheduleId>', 'schedule id', DEFAULT_SCHEDULE_ID);
  const print = (line: string) => process.stdout.write(`${line}\n`);

  withId(schedule.command('create'))
    .description(
      'Create the schedule, or update it in place: overlapping runs are skipped, missed runs start late only within the catch-up window',
    )
    .option('--cron <expression>', 'cron expression (default REBAR_SCHEDULE_CRON or 0 2 * * *)')
    .option('--timezone <iana>', 'time zone (default REBAR_SCHEDULE_TIMEZONE or UTC)')
    .option(
      '--catchup-window <duration>',
      'how late a missed run may still start, e.g. "12 hours" (default REBAR_SCHEDULE_CATCHUP_WINDOW or 12 hours)',
    )
    .option('--select <selector>', 'dbt selector for each scheduled build (default: everything)')
    .action(
      async (options: { id: string; cron?: string; timezone?: string; catchupWindow?: string; select?: string }) => {
        const settings = config();
        const result = await withTemporalClient(settings, (client) =>
          registerNightlySchedule(client, {
            scheduleId: options.id,
            taskQueue: settings.taskQueue,
            cron: options.cron ?? settings.scheduleCron,
            timezone: options.timezone ?? settings.scheduleTimezone,
            catchupWindow: options.catchupWindow ?? settings.scheduleCatchupWindow,
            workflowInput: options.select ? { dbtSelect: options.select } : {},
          }),
        );
        print(
          `${result.created ? 'Created' : 'Updated'} schedule ${result.scheduleId}; next runs: ${result.nextRunTimes.join(', ')}`,
        );
      },
    );

  withId(schedule.command('describe'))
    .description('Show the schedule: cron, time zone, paused or not, policies, next and recent runs')
    .option('--json', 'print JSON')
    .action(async (options: { id: string; json?: boolean }) => {
      const description = await withTemporalClient(config(), (client) => describeNightlySchedule(client, options.id));
      print(options.json ? JSON.stringify(description, null, 2) : formatScheduleDescription(description));
    });

  withId(schedule.command('pause'))
    .description('Stop starting runs (a run in progress carries on)')
    .option('--note <text>', "why, shown by describe and in Temporal's UI", 'paused with rebar schedule pause')
    .action(async (options: { id: string; note: string }) => {
      await withTemporalClient(config(), (client) => pauseNightlySchedule(client, options.id, options.note));
      print(`Paused schedule ${options.id}: ${options.note}`);
    });

  withId(schedule.command('resume'))
    .description('Start runs again at the scheduled times')
    .option('--note <text>', "why, shown by describe and in Temporal's UI", 'resumed with rebar schedule resume')
    .action(async (options: { id: string; note: string }) => {
      await withTemporalClient(config(), (client) => resumeNightlySchedule(client, options.id, options.note));
      print(`Resumed schedule ${options.id}`);
    });

  withId(schedule.command('trigger'))
    .description('Start a run now (skipped if a run of this schedule is still going: says which, exits 0)')
    .action(async (options: { id: string }) => {
      const result = await withTemporalClient(config(), (client) => triggerNightlySchedule(client, options.id));
      if (result.outcome === 'started')
        print(
          `Triggered schedule ${options.id}: started ${result.workflowId}; follow it with rebar status or in Temporal's UI`,
        );
      else if (result.outcome === 'skipped')
        print(
          `Skipped: schedule ${options.id} did not start a run, because ${result.runningWorkflowIds.join(', ') || 'a run of it'} is still running (overlap policy SKIP)`,
        );
      else
        print(
          `Triggered schedule ${options.id}, but Temporal had not started or skipped a run within ${result.waitedSeconds} s; see rebar schedule describe --id ${options.id}`,
        );
    });

  withId(schedule.command('delete'))
    .description('Delete the schedule (runs already started carry on)')
    .action(async (options: { id: string }) => {
      await withTemporalClient(config(), (client) => deleteNightlySchedule(client, options.id));
      print(`Deleted schedule ${options.id}`);
    });
}

export function formatScheduleDescription(description: NightlyScheduleDescription): string {
  const lines = [
    `Schedule ${description.scheduleId}: ${description.paused ? 'PAUSED' : 'active'}${description.note ? ` (${description.note})` : ''}`,
    `  cron: ${description.cron}`,
    `  overlapping runs: ${description.overlap}; missed runs start late within ${description.catchupWindowSeconds / 3600} hours`,
    `  next runs: ${description.nextRunTimes.join(', ') || '(none while paused)'}`,
    `  running now: ${description.runningWorkflowIds.join(', ') || 'none'}`,
    `  recent runs: ${description.recentRuns.length === 0 ? 'none' : ''}`,
    ...description.recentRuns.map(
      (run) => `    ${run.workflowId} scheduled ${run.scheduledAt}, started ${run.startedAt}`,
    ),
  ];
  return lines.join('\n');
}
