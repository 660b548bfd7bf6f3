import { type Command, InvalidArgumentError } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { cursorWindowKind } from '../../extract/cursorWindow.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { formatSummary } from '../formatSummary.js';
import { commaList } from '../options.js';
import { createProgressReporter } from '../progressReporter.js';
import { runNightly } from './nightly.js';

export function registerBackfillCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('backfill')
    .description('Re-extract a cursor window (e.g. rows an app changed without bumping updated_at), then rebuild only the models downstream of those tables and publish')
    .requiredOption('--from <cursor>', 'window start, inclusive: a date or timestamp (or a whole number for sequence cursors)')
    .requiredOption('--to <cursor>', 'window end, exclusive')
    .option('--tables <names>', 'only these tables (default: every table whose cursor the window can bound)', commaList)
    .option('--select <selector>', 'dbt selector to build instead of everything downstream of the re-read tables')
    .option('--full-refresh', 'rebuild the selected incremental models from all of raw (after changing their logic)')
    .option('--no-dbt', 're-extract, record and publish only: no dbt build')
    .action(async (options: { from: string; to: string; tables?: string[]; select?: string; fullRefresh?: boolean; dbt: boolean }) => {
      if (!options.dbt && (options.select || options.fullRefresh)) throw new InvalidArgumentError('--select and --full-refresh choose what dbt builds; drop them with --no-dbt');
      const settings = config();
      const backfill = { from: options.from, to: options.to };
      cursorWindowKind(backfill); // a bad window fails here, before anything starts
      installTemporalLogging(settings.logLevel, settings.stateDir, { commandHandlesSignals: true });
      const { summary, failure } = await runNightly({
        config: settings,
        workflow: { tables: options.tables, dbtSelect: options.select, dbtFullRefresh: options.fullRefresh, backfill, ...(options.dbt ? {} : { dbt: false }) },
        demo: { scale: 0.2, years: 1, seed: 42, simulate: false },
        log: (line) => process.stdout.write(`${line}\n`),
        progress: createProgressReporter(process.stderr, settings.logLevel),
        workflowIdPrefix: 'rebar-backfill',
      });
      process.stdout.write(`\nBackfill of ${options.from} .. ${options.to}\n${formatSummary(summary)}\n`);
      if (failure) {
        process.stderr.write(`rebar: ${failure}\n`);
        process.exitCode = 2;
      }
    });
}
