#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { errorReport } from './errorReport.js';
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
  const report = errorReport(error);
  process.stderr.write(report.text);
  // Exit now rather than when the event loop drains: an installed Temporal Runtime (SDK logs forwarded
  // to rebar.log) keeps it alive until a connection or worker it served closes, so a command refused
  // before it made one (a busy state folder, a bad tables config) would otherwise never exit.
  process.exit(report.exitCode);
});
