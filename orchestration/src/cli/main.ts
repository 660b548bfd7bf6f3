#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { AnalysisError } from '../analyses/runAnalysis.js';
import { SqlError } from '../sql/runSql.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { TablesConfigError } from '../extract/tablesConfig.js';
import { CursorWindowError } from '../extract/cursorWindow.js';
import { RetentionPolicyError } from '../retention/retentionPolicy.js';
import { TemporalUnreachableError } from '../temporal/connectTemporal.js';
import { UnknownScheduleError } from '../temporal/schedule.js';
import { RunFailedError } from './commands/nightly.js';
import { DocsError } from '../dbt/generateDocs.js';
import { ResetRefusedError } from './commands/resetCommand.js';
import { InitError } from '../init/initProject.js';
import { DemoFileForeignSourceError } from './commands/runSetup.js';
import { StateFolderBusyError } from '../state/stateLock.js';
import { registerCommands } from './registerCommands.js';
import { versionLines } from './versionInfo.js';

const program = new Command()
  .name('rebar')
  .description('Construction-operations ELT: Postgres -> Temporal -> DuckDB/Snowflake -> dbt star schema')
  .showHelpAfterError()
  .option('-V, --version', 'print the versions of rebar, DuckDB, dbt-core and dbt-duckdb')
  .on('option:version', () => {
    // The dbt in use is the configured one; a configuration error must not hide the versions.
    let dbtBin: string;
    try {
      dbtBin = loadConfig().dbtBin;
    } catch {
      dbtBin = loadConfig({}).dbtBin;
    }
    process.stdout.write(`${versionLines(dbtBin).join('\n')}\n`);
    process.exit(0);
  });

registerCommands(program, () => loadConfig());

// Exit codes (docs/runs.md, "Exit codes"): 0 success; 2 a run or check that happened and failed
// (commands set it themselves, and RunFailedError); 1 bad usage or configuration, before any run.
program.parseAsync(process.argv).catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof TablesConfigError || error instanceof RetentionPolicyError || error instanceof InvalidArgumentError || error instanceof TemporalUnreachableError || error instanceof AnalysisError || error instanceof SqlError || error instanceof UnknownScheduleError || error instanceof CursorWindowError || error instanceof ResetRefusedError || error instanceof InitError || error instanceof DemoFileForeignSourceError || error instanceof StateFolderBusyError || error instanceof RunFailedError || error instanceof DocsError;
  process.stderr.write(`rebar: ${error instanceof Error ? error.message : String(error)}\n`);
  if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack.split('\n').slice(1, 6).join('\n')}\n`);
  // Exit now rather than when the event loop drains: an installed Temporal Runtime (SDK logs forwarded
  // to rebar.log) keeps it alive until a connection or worker it served closes, so a command refused
  // before it made one (a busy state folder, a bad tables config) would otherwise never exit.
  process.exit(error instanceof RunFailedError ? 2 : 1);
});
