import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadRebarFile, loadTablesConfig } from '../../extract/tablesConfig.js';
import { createLoader } from '../../load/createLoader.js';
import { checkRetentionPolicy } from '../../retention/retentionPolicy.js';
import { openSource } from '../../source/demoSource.js';
import { connectWorkerToTemporal } from '../../temporal/connectTemporal.js';
import { createRebarWorker } from '../../temporal/createWorker.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { registerScheduleCommands } from './scheduleCommands.js';

import { defaultTemporalAddress } from './temporalClient.js';

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
          deps: { config: settings, sourceUrl: source.url, tables, discover: loadRebarFile(settings.tablesConfigPath).discover, loader: createLoader(settings) },
        });
        process.stdout.write(`Worker polling task queue ${settings.taskQueue}; Ctrl-C to stop\n`);
        await worker.run();
      } finally {
        await connection.close();
        await source.close();
      }
    });

  registerScheduleCommands(program, config);
}
