import { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadDiscoverExclude, loadTablesConfig } from '../../extract/tablesConfig.js';
import { createLoader } from '../../load/createLoader.js';
import { checkRetentionPolicy } from '../../retention/retentionPolicy.js';
import { openSource } from '../../source/demoSource.js';
import { connectClientToTemporal, connectWorkerToTemporal } from '../../temporal/connectTemporal.js';
import { createRebarWorker } from '../../temporal/createWorker.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { registerNightlySchedule } from '../../temporal/schedule.js';

/** A long-lived worker and the schedule talk to a Temporal server that outlives them. */
const defaultTemporalAddress = '127.0.0.1:7233';

export function registerTemporalCommands(program: Command, config: () => RebarConfig): void {
  program
    .command('worker')
    .description(`Run a Temporal worker for nightlyLoad until interrupted (TEMPORAL_ADDRESS, default ${defaultTemporalAddress})`)
    .action(async () => {
      const settings = config();
      installTemporalLogging(settings.logLevel);
      const tables = loadTablesConfig(settings.tablesConfigPath);
      checkRetentionPolicy(tables, settings.retentionPolicyPath);
      const source = await openSource(settings);
      const connection = await connectWorkerToTemporal(settings.temporalAddress ?? defaultTemporalAddress);
      try {
        const worker = await createRebarWorker({
          connection,
          namespace: settings.temporalNamespace,
          taskQueue: settings.taskQueue,
          deps: { config: settings, sourceUrl: source.url, tables, discoverExclude: loadDiscoverExclude(settings.tablesConfigPath), loader: createLoader(settings) },
        });
        process.stdout.write(`Worker polling task queue ${settings.taskQueue}; Ctrl-C to stop\n`);
        await worker.run();
      } finally {
        await connection.close();
        await source.close();
      }
    });

  program
    .command('schedule')
    .description('Register (or update) the Temporal Schedule that runs nightlyLoad; overlapping runs are skipped')
    .option('--cron <expression>', 'cron expression (default REBAR_SCHEDULE_CRON or 0 2 * * *)')
    .option('--timezone <iana>', 'time zone (default REBAR_SCHEDULE_TIMEZONE or UTC)')
    .option('--id <scheduleId>', 'schedule id', 'rebar-nightly')
    .action(async (options: { cron?: string; timezone?: string; id: string }) => {
      const settings = config();
      const connection = await connectClientToTemporal(settings.temporalAddress ?? defaultTemporalAddress);
      try {
        const client = new Client({ connection, namespace: settings.temporalNamespace });
        const result = await registerNightlySchedule({
          client,
          scheduleId: options.id,
          taskQueue: settings.taskQueue,
          cron: options.cron ?? settings.scheduleCron,
          timezone: options.timezone ?? settings.scheduleTimezone,
        });
        process.stdout.write(`${result.created ? 'Created' : 'Updated'} schedule ${result.scheduleId}; next runs: ${result.nextRunTimes.join(', ')}\n`);
      } finally {
        await connection.close();
      }
    });
}
