import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { readPublishedRun } from '../../warehouse/duckdb/publishedMarker.js';
import type { RunSummary } from '../../runs/runSummary.js';
import { formatSummary } from '../formatSummary.js';
import { createProgressReporter } from '../progressReporter.js';
import { commaList, positiveNumber, wholeNumber } from '../options.js';
import { dbtVars } from '../dbtVars.js';
import { exampleAnalystQuery } from './exampleQuery.js';
import type { DemoDataOptions } from './demoData.js';
import { runNightly } from './nightly.js';
import { installTemporalLogging } from '../../temporal/runtimeLogging.js';

export function registerNightlyCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('nightly')
    .description(
      'Run one nightly load now: extract every table past its watermark, load raw, dbt build, record the run',
    )
    .option('--tables <names>', 'only these tables (comma-separated)', commaList)
    .option(
      '--all',
      'every table of the source, discovered from its catalog (rebar.yml settings still apply to the tables it lists)',
    )
    .option('--select <selector>', 'dbt selector for the build (default: everything)')
    .option(
      '--full-refresh',
      "rebuild incremental models from all of raw (dbt build --full-refresh), e.g. after changing a model's logic",
    )
    .option(
      '--scale <factor>',
      'demo source size when it is first generated (1 = 100 projects a year, ~1.5M rows)',
      positiveNumber,
      0.2,
    )
    .option('--years <n>', 'demo source history in years when first generated', positiveNumber, 1)
    .option('--seed <n>', 'demo generator seed', wholeNumber, 42)
    .option('--no-simulate', 'do not move a filled demo source forward by one day first')
    .option(
      '--vars <yaml>',
      "dbt variables for the build, a YAML/JSON mapping (dbt build --vars), e.g. '{lookback_days: 3}'",
      dbtVars,
    )
    .option('--no-dbt', 'extract, load, record and publish only: no dbt build (the same as `rebar load`)')
    .action(
      async (options: {
        tables?: string[];
        all?: boolean;
        select?: string;
        fullRefresh?: boolean;
        vars?: Record<string, unknown>;
        scale: number;
        years: number;
        seed: number;
        simulate: boolean;
        dbt: boolean;
      }) => {
        if (!options.dbt && (options.select || options.fullRefresh || options.vars))
          throw new InvalidArgumentError(
            '--select, --full-refresh and --vars choose what dbt builds; drop them with --no-dbt',
          );
        await runAndReport(config(), {
          tables: options.tables,
          all: options.all,
          dbt: options.dbt,
          dbtSelect: options.select,
          dbtFullRefresh: options.fullRefresh,
          dbtVars: options.vars,
          demo: { scale: options.scale, years: options.years, seed: options.seed, simulate: options.simulate },
        });
      },
    );

  program
    .command('load')
    .description(
      'Extract and load only, no dbt (nightly --no-dbt): extract every table past its watermark, load raw, reconcile counts, record the run, publish (raw only if rebar.yml publish: lists it)',
    )
    .option('--tables <names>', 'only these tables (comma-separated)', commaList)
    .option(
      '--all',
      'every table of the source, discovered from its catalog (rebar.yml settings still apply to the tables it lists)',
    )
    .option(
      '--scale <factor>',
      'demo source size when it is first generated (1 = 100 projects a year, ~1.5M rows)',
      positiveNumber,
      0.2,
    )
    .option('--years <n>', 'demo source history in years when first generated', positiveNumber, 1)
    .option('--seed <n>', 'demo generator seed', wholeNumber, 42)
    .option('--no-simulate', 'do not move a filled demo source forward by one day first')
    .action(
      async (options: {
        tables?: string[];
        all?: boolean;
        scale: number;
        years: number;
        seed: number;
        simulate: boolean;
      }) => {
        await runAndReport(config(), {
          tables: options.tables,
          all: options.all,
          dbt: false,
          demo: { scale: options.scale, years: options.years, seed: options.seed, simulate: options.simulate },
        });
      },
    );
}

interface NightlyOptions {
  tables: string[] | undefined;
  all: boolean | undefined;
  dbt: boolean;
  dbtSelect?: string;
  dbtFullRefresh?: boolean;
  dbtVars?: Record<string, unknown>;
  demo: DemoDataOptions;
}

/** One run, its summary and where the warehouse is; exit 2 when it failed. The demo's example query only after the demo's build. */
async function runAndReport(settings: RebarConfig, options: NightlyOptions): Promise<void> {
  installTemporalLogging(settings.logLevel, settings.stateDir, { commandHandlesSignals: true });
  const { summary, failure, temporalUiUrl, sourceIsDemo } = await runNightly({
    config: settings,
    workflow: {
      tables: options.tables,
      all: options.all,
      dbtSelect: options.dbtSelect,
      dbtFullRefresh: options.dbtFullRefresh,
      ...(options.dbtVars ? { dbtVars: options.dbtVars } : {}),
      ...(options.dbt ? {} : { dbt: false }),
    },
    demo: options.demo,
    log: (line) => process.stdout.write(`${line}\n`),
    progress: createProgressReporter(process.stderr, settings.logLevel),
  });
  process.stdout.write(`\n${formatSummary(summary)}\n`);
  process.stdout.write(`\n${(await warehouseLines(settings, summary)).join('\n')}\n`);
  if (temporalUiUrl) process.stdout.write(`Temporal history: kept in ${settings.stateDir}/temporal.db\n`);
  if (failure) {
    process.stderr.write(`rebar: ${failure}\n`);
    process.exitCode = 2;
    return;
  }
  if (settings.target !== 'duckdb' || !sourceIsDemo || summary.extractOnly !== undefined) return;
  // An example, not part of the run: whatever happens to it, the run succeeded.
  const example = await exampleAnalystQuery(settings.publishedPath).catch(
    (error: unknown) => `Example analyst query not run: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.stdout.write(`\n${example}\n`);
}

/** Where this run wrote and where readers read, for the target in use. */
async function warehouseLines(settings: RebarConfig, summary: RunSummary): Promise<string[]> {
  if (settings.snowflake) {
    const { account, database } = settings.snowflake;
    const outcome = summary.published ? 'replaced by this run' : `unchanged by this ${summary.status} run`;
    return [
      `Working warehouse: Snowflake account ${account}, database ${database} (loader writes RAW, dbt builds MARTS; run history in _REBAR.RUNS, RUN_TABLES, RUN_MODELS)`,
      `Published warehouse: ${database}.PUBLISHED (Metabase and analysts read it with the reader role; ${outcome})`,
    ];
  }
  return [
    `Working warehouse: ${settings.warehousePath} (loader and dbt write here; raw, staging and run history live only here)`,
    `Published warehouse: ${settings.publishedPath} (open it read-only from Metabase or duckdb; ${await publishedOutcome(settings.publishedPath, summary)})`,
  ];
}

/** What readers of the published file see, read from its marker (_rebar.published), not assumed from the run's status. */
async function publishedOutcome(publishedPath: string, summary: RunSummary): Promise<string> {
  const seen = await readPublishedRun(publishedPath).catch(
    (error: unknown) => `unreadable (${error instanceof Error ? error.message : String(error)})`,
  );
  if (typeof seen === 'string') return `which run it holds is ${seen}`;
  if (seen?.runId === summary.runId) return `replaced by this run at ${seen.publishedAt}`;
  const unchanged = `unchanged by this ${summary.status === 'success' ? '' : `${summary.status} `}run`;
  if (!seen)
    return `${unchanged}; ${existsSync(publishedPath) ? 'it names no run (published before Rebar recorded which)' : 'nothing published yet'}`;
  return `${unchanged}; readers see run ${seen.runId}, published ${seen.publishedAt}`;
}
