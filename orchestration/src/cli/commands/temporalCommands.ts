import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadRebarFile } from '../../kernel/tablesConfig.js';
import { createWarehouse } from '../../warehouse/createWarehouse.js';
import { checkRetentionPolicy } from '../../retention/retentionPolicy.js';
import { openSource } from '../../source/demoSource.js';
import { connectClientToTemporal, connectWorkerToTemporal } from '../../temporal/connectTemporal.js';
import { refuseConflictingWorkers } from '../../temporal/singleWriter.js';
import { createRebarWorker } from '../../temporal/createWorker.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { resolveRunSetup } from './runSetup.js';
import { currentProcess } from '../../state/processIdentity.js';
import { advertiseWorker } from '../../state/sharedWorker.js';
import { holdStateFolder } from '../../state/stateFolder.js';
import { registerScheduleCommands } from './scheduleCommands.js';

import { defaultTemporalAddress } from './temporalClient.js';

export function registerTemporalCommands(program: Command, config: () => RebarConfig): void {
  program
    .command('worker')
    .description(
      `Run a Temporal worker for nightlyLoad until interrupted (TEMPORAL_ADDRESS, default ${defaultTemporalAddress}); holds the state folder, and nightly/load/backfill on it run through this worker`,
    )
    .action(async () => {
      const settings = config();
      installTemporalLogging(settings.logLevel, settings.stateDir);
      const file = loadRebarFile(settings.tablesConfigPath);
      checkRetentionPolicy(file.tables, settings.retentionPolicyPath);
      // The folder is the worker's while it runs: CLI runs on it hand their workflows to this worker (.rebar/services.json).
      const folder = await holdStateFolder({
        config: settings,
        log: (line) => process.stdout.write(`${line}\n`),
        stopLeftovers: true,
      });
      try {
        const source = await openSource(settings);
        try {
          // A worker serves every run of its schedule: a demo file with another database has nothing it could build or list.
          const setup = await resolveRunSetup({ file, source, all: false, alternative: undefined });
          const temporalAddress = settings.temporalAddress ?? defaultTemporalAddress;
          const client = await connectClientToTemporal(temporalAddress, settings.temporalConnection);
          try {
            await refuseConflictingWorkers({
              connection: client,
              namespace: settings.temporalNamespace,
              taskQueue: settings.taskQueue,
              target: settings.target,
            });
          } finally {
            await client.close();
          }
          const connection = await connectWorkerToTemporal(temporalAddress, settings.temporalConnection);
          try {
            const worker = await createRebarWorker({
              connection,
              namespace: settings.temporalNamespace,
              taskQueue: settings.taskQueue,
              deps: {
                config: settings,
                sourceUrl: source.url,
                tables: setup.tables,
                discover: setup.discover,
                dbt: setup.dbt,
                loader: createWarehouse(settings),
              },
              runLog: (line) => process.stdout.write(`${line}\n`),
            });
            const withdraw = advertiseWorker(settings.stateDir, {
              ...currentProcess(),
              temporalAddress,
              namespace: settings.temporalNamespace,
              taskQueue: settings.taskQueue,
              demoSourceUrl: source.isDemo ? source.url : undefined,
            });
            try {
              process.stdout.write(
                `Worker polling task queue ${settings.taskQueue}${setup.dbt.projectDir === undefined ? `; extract-only runs (${setup.dbt.why})` : `; builds the dbt project in ${setup.dbt.projectDir}`}; Ctrl-C to stop\n`,
              );
              await worker.run();
            } finally {
              withdraw();
            }
          } finally {
            await connection.close();
          }
        } finally {
          await source.close();
        }
      } finally {
        folder.release();
      }
    });

  registerScheduleCommands(program, config);
}
