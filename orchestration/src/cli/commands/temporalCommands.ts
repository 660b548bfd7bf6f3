import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadRebarFile } from '../../extract/tablesConfig.js';
import { createLoader } from '../../load/createLoader.js';
import { checkRetentionPolicy } from '../../retention/retentionPolicy.js';
import { openSource } from '../../source/demoSource.js';
import { connectWorkerToTemporal } from '../../temporal/connectTemporal.js';
import { createRebarWorker } from '../../temporal/createWorker.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { resolveRunSetup } from './runSetup.js';
import { registerScheduleCommands } from './scheduleCommands.js';

import { defaultTemporalAddress } from './temporalClient.js';

export function registerTemporalCommands(program: Command, config: () => RebarConfig): void {
  program
    .command('worker')
    .description(`Run a Temporal worker for nightlyLoad until interrupted (TEMPORAL_ADDRESS, default ${defaultTemporalAddress})`)
    .action(async () => {
      const settings = config();
      installTemporalLogging(settings.logLevel, settings.stateDir);
      const file = loadRebarFile(settings.tablesConfigPath);
      checkRetentionPolicy(file.tables, settings.retentionPolicyPath);
      const source = await openSource(settings);
      // A worker serves every run of its schedule: a demo file with another database has nothing it could build or list.
      const setup = await resolveRunSetup({ file, source, all: false, alternative: undefined }).catch(async (error: unknown) => {
        await source.close();
        throw error;
      });
      const connection = await connectWorkerToTemporal(settings.temporalAddress ?? defaultTemporalAddress);
      try {
        const worker = await createRebarWorker({
          connection,
          namespace: settings.temporalNamespace,
          taskQueue: settings.taskQueue,
          deps: { config: settings, sourceUrl: source.url, tables: setup.tables, discover: setup.discover, dbt: setup.dbt, loader: createLoader(settings) },
          runLog: (line) => process.stdout.write(`${line}\n`),
        });
        process.stdout.write(`Worker polling task queue ${settings.taskQueue}${setup.dbt.projectDir === undefined ? `; extract-only runs (${setup.dbt.why})` : `; builds the dbt project in ${setup.dbt.projectDir}`}; Ctrl-C to stop\n`);
        await worker.run();
      } finally {
        await connection.close();
        await source.close();
      }
    });

  registerScheduleCommands(program, config);
}
