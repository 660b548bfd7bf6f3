import type { Command } from 'commander';
import { listAnalyses, runAnalysis } from '../../analyses/runAnalysis.js';
import type { RebarConfig } from '../../config/config.js';
import { formatRows } from '../formatRows.js';

function collectVar(value: string, previous: Record<string, string>): Record<string, string> {
  const separator = value.indexOf('=');
  if (separator <= 0) throw new Error(`--var expects name=value (got "${value}"), e.g. --var status_date=2026-06-30`);
  return { ...previous, [value.slice(0, separator)]: value.slice(separator + 1) };
}

export function registerAnalysisCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('analysis')
    .description(
      'Answer a business question: run one dbt analysis (analyses/<name>.sql, compiled once per project change) on the published warehouse',
    )
    .argument('[name]', 'the analysis, e.g. projects_over_budget; omit to list them')
    .option(
      '--var <name=value>',
      'a dbt var for the analysis (repeatable), e.g. --var status_date=2026-06-30',
      collectVar,
      {},
    )
    .option('--sql', 'also print the compiled SQL (to paste into Metabase or a SQL client)')
    .action(async (name: string | undefined, options: { var: Record<string, string>; sql?: boolean }) => {
      const settings = config();
      if (!name) {
        process.stdout.write(
          `Analyses:\n${listAnalyses(settings.dbtProjectDir)
            .map((analysis) => `  ${analysis}`)
            .join('\n')}\n`,
        );
        return;
      }
      const answer = await runAnalysis({
        config: settings,
        name,
        vars: options.var,
        onCompile: (reason) => process.stderr.write(`${reason}...\n`),
      });
      if (options.sql) process.stdout.write(`${answer.sql.trim()}\n\n`);
      process.stdout.write(`${formatRows(answer.rows, answer.columns)}\n(${answer.rows.length} rows)\n`);
    });
}
