import { type Command, InvalidArgumentError } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { checkBackfillWindow } from '../../extract/backfillWindowCheck.js';
import { cursorWindowKind } from '../../extract/cursorWindow.js';
import { withClient } from '../../source/demoSource.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';
import { formatSummary } from '../formatSummary.js';
import { dbtVars } from '../dbtVars.js';
import { commaList } from '../options.js';
import { createProgressReporter } from '../progressReporter.js';
import { runNightly } from './nightly.js';

export function registerBackfillCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('backfill')
    .description(
      'Re-extract a cursor window (e.g. rows an app changed without bumping updated_at), then rebuild only the models downstream of those tables and publish',
    )
    .requiredOption(
      '--from <cursor>',
      'window start, inclusive: a date or timestamp (or a whole number for sequence cursors)',
    )
    .requiredOption('--to <cursor>', 'window end, exclusive')
    .option('--tables <names>', 'only these tables (default: every table whose cursor the window can bound)', commaList)
    .option('--select <selector>', 'dbt selector to build instead of everything downstream of the re-read tables')
    .option('--full-refresh', 'rebuild the selected incremental models from all of raw (after changing their logic)')
    .option(
      '--vars <yaml>',
      "dbt variables for the build, a YAML/JSON mapping (dbt build --vars), e.g. '{lookback_days: 3}'",
      dbtVars,
    )
    .option('--no-dbt', 're-extract, record and publish only: no dbt build')
    .action(
      async (options: {
        from: string;
        to: string;
        tables?: string[];
        select?: string;
        fullRefresh?: boolean;
        vars?: Record<string, unknown>;
        dbt: boolean;
      }) => {
        if (!options.dbt && (options.select || options.fullRefresh || options.vars))
          throw new InvalidArgumentError(
            '--select, --full-refresh and --vars choose what dbt builds; drop them with --no-dbt',
          );
        const settings = config();
        const backfill = { from: options.from, to: options.to };
        cursorWindowKind(backfill); // a bad window fails here, before anything starts
        installTemporalLogging(settings.logLevel, settings.stateDir, { commandHandlesSignals: true });
        const { summary, failure } = await runNightly({
          config: settings,
          workflow: {
            tables: options.tables,
            dbtSelect: options.select,
            dbtFullRefresh: options.fullRefresh,
            ...(options.vars ? { dbtVars: options.vars } : {}),
            backfill,
            ...(options.dbt ? {} : { dbt: false }),
          },
          demo: {
            scale: 0.2,
            years: 1,
            seed: 42,
            simulate: false,
            notSimulatingBecause: 'a backfill re-reads the source as it is',
          },
          log: (line) => process.stdout.write(`${line}\n`),
          progress: createProgressReporter(process.stderr, settings.logLevel),
          workflowIdPrefix: 'rebar-backfill',
          // Unknown --tables names are left to the run's plan, which lists the configured ones.
          checkBeforeStart: (sourceUrl, tables) =>
            withClient(sourceUrl, (client) =>
              checkBackfillWindow(client, {
                tables: options.tables ? tables.filter((table) => options.tables!.includes(table.name)) : tables,
                window: backfill,
                tablesNamed: options.tables !== undefined,
              }),
            ),
        });
        process.stdout.write(`\nBackfill of ${options.from} .. ${options.to}\n${formatSummary(summary)}\n`);
        if (failure) {
          process.stderr.write(`rebar: ${failure}\n`);
          process.exitCode = 2;
        }
      },
    );
}
