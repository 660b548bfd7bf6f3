import { type Command, InvalidArgumentError } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadTablesConfig } from '../../kernel/tablesConfig.js';
import { compareTables } from '../../reconcile/compareTables.js';
import { withClient } from '../../source/demoSource.js';
import { openSharedSource } from '../../state/runServices.js';
import { commaList } from '../options.js';

export function registerReconcileCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('reconcile')
    .description(
      'Compare the source with raw in the working warehouse, table by table: row counts and a content hash of every value',
    )
    .option('--tables <names>', 'only these tables (comma-separated)', commaList)
    .option(
      '--working',
      'check the working warehouse (the default: raw is published only when rebar.yml publish: lists it)',
    )
    .option('--published', 'check the published warehouse instead (needs raw in rebar.yml publish: schemas)')
    .action(async (options: { tables?: string[]; working?: boolean; published?: boolean }) => {
      const settings = config();
      if (options.working && options.published)
        throw new InvalidArgumentError('--working and --published name different warehouses: pass one');
      const tables = loadTablesConfig(settings.tablesConfigPath).filter(
        (table) => !options.tables || options.tables.includes(table.name),
      );
      const warehousePath = options.published ? settings.publishedPath : settings.warehousePath;
      const source = await openSharedSource({ config: settings, log: (line) => process.stderr.write(`${line}\n`) });
      try {
        const comparison = await withClient(source.url, (client) => compareTables(client, warehousePath, tables));
        process.stdout.write(`Source vs ${warehousePath}:\n`);
        process.stdout.write(
          `  ${'table'.padEnd(20)} ${'source'.padStart(10)} ${'raw'.padStart(10)}  ${'content (sha-256, first 12)'.padEnd(28)} result\n`,
        );
        for (const table of comparison.tables) {
          const content =
            table.sourceHash === table.warehouseHash
              ? table.sourceHash.slice(0, 12)
              : `${table.sourceHash.slice(0, 12)} vs ${table.warehouseHash.slice(0, 12)}`;
          process.stdout.write(
            `  ${table.table.padEnd(20)} ${String(table.sourceRows).padStart(10)} ${String(table.warehouseRows).padStart(10)}  ${content.padEnd(28)} ${table.difference ? 'DIFFERS' : 'equal'}\n`,
          );
          if (table.difference) process.stdout.write(`      ${table.difference}\n`);
          if (table.sourceRowsPastRetention > 0)
            process.stdout.write(
              `      not compared: ${table.sourceRowsPastRetention} source rows older than the retention cutoff raw was pruned to (_rebar.retention_prunes)\n`,
            );
        }
        const differing = comparison.tables.filter((table) => table.difference).length;
        process.stdout.write(
          differing === 0
            ? `All ${comparison.tables.length} tables equal to the source.\n`
            : `${differing} of ${comparison.tables.length} tables differ from the source.\n`,
        );
        if (differing > 0) process.exitCode = 2;
      } finally {
        await source.close();
      }
    });
}
