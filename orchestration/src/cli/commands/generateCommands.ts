import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { withClient } from '../../source/demoSource.js';
import { openSharedSource } from '../../state/runServices.js';
import { generateSource, IDLE_DAYS, simulateDay } from '../../source/generator/index.js';
import { isoDate, positiveNumber, wholeNumber } from '../options.js';

export function registerGenerateCommands(program: Command, config: () => RebarConfig): void {
  program
    .command('generate')
    .description(
      'Fill an empty source (REBAR_SOURCE_URL, or the embedded demo) with deterministic construction-operations data',
    )
    .option(
      '--scale <factor>',
      '1 = 100 projects a year, about 1.5M rows; 10 and 100 for benchmarks',
      positiveNumber,
      0.2,
    )
    .option('--years <n>', 'years of history', positiveNumber, 1)
    .option('--seed <n>', 'random seed: same seed, same data', wholeNumber, 42)
    .option('--end-date <date>', 'last simulated day, YYYY-MM-DD (default: yesterday, UTC)', isoDate)
    .action(async (options: { scale: number; years: number; seed: number; endDate?: string }) => {
      const source = await openSharedSource({ config: config(), log: (line) => process.stderr.write(`${line}\n`) });
      try {
        const endDate = options.endDate ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        const started = Date.now();
        const output = await withClient(source.url, (client) =>
          generateSource(client, { scale: options.scale, years: options.years, seed: options.seed, endDate }),
        );
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(
          `Generated ${output.totalRows} rows (${output.startDate} .. ${output.endDate}) in ${seconds.toFixed(1)} s\n`,
        );
        for (const [table, rows] of Object.entries(output.rowsByTable))
          process.stdout.write(`  ${table.padEnd(20)} ${String(rows).padStart(10)}\n`);
        const { planted } = output;
        const project = (id: number | null) => (id === null ? 'none (no project qualified)' : `project ${id}`);
        process.stdout.write(
          `Planted answers: fast foreman user ${planted.fastForemanId}; over budget: ${project(planted.overBudgetProjectId)}; ` +
            `will miss its deadline: ${project(planted.lateProjectId)}; no check-in for ${IDLE_DAYS} days: ${project(planted.idleProjectId)}\n`,
        );
      } finally {
        await source.close();
      }
    });

  program
    .command('simulate-day')
    .description('Apply one more day of activity to the source: inserts, updates, soft deletes, status changes')
    .option('--seed <n>', 'random seed', wholeNumber, 42)
    .option(
      '--chaos',
      'also make the edits a real field app makes: parents soft-deleted and restored, hard deletes, reassigned foremen, values no seed lists, back-dated corrections, NULL and duplicate references, edge-of-day times, schema migrations',
    )
    .action(async (options: { seed: number; chaos?: boolean }) => {
      const source = await openSharedSource({ config: config(), log: (line) => process.stderr.write(`${line}\n`) });
      try {
        const output = await withClient(source.url, (client) =>
          simulateDay(client, { seed: options.seed, chaos: options.chaos === true }),
        );
        process.stdout.write(
          `Simulated ${output.day}\n${JSON.stringify({ inserted: output.inserted, updated: output.updated, softDeleted: output.softDeleted }, null, 2)}\n`,
        );
        if (output.chaos)
          process.stdout.write(
            `Chaos edits: ${JSON.stringify(output.chaos.counts)}; migrations: ${output.chaos.migrations.join(', ') || 'none'}\n`,
          );
      } finally {
        await source.close();
      }
    });
}
