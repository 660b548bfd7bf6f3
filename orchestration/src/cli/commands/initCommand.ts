import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import {
  DEFAULT_CURSOR_COLUMNS,
  DEFAULT_SOFT_DELETE_COLUMNS,
  DEFAULT_SOURCE_SCHEMA,
  isCursorTable,
} from '../../kernel/tablesConfig.js';
import { InitError, initProject } from '../../init/initProject.js';
import { commaList } from '../options.js';

interface InitOptions {
  schemas?: string[];
  include?: string[];
  exclude?: string[];
  cursorColumns?: string[];
  name?: string;
  out?: string;
  force?: boolean;
}

export function registerInitCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('init')
    .description(
      'Discover the database REBAR_SOURCE_URL names and write <dir>/rebar.yml (each choice explained) and a staging dbt project <dir>/dbt/',
    )
    .option(
      '--schemas <names>',
      `source schemas to read (comma-separated; default ${DEFAULT_SOURCE_SCHEMA})`,
      commaList,
    )
    .option(
      '--include <patterns>',
      'only tables matching these glob patterns on table or schema.table (comma-separated, * wildcard)',
      commaList,
    )
    .option(
      '--exclude <patterns>',
      'leave out tables matching these glob patterns (comma-separated, * wildcard)',
      commaList,
    )
    .option(
      '--cursor-columns <names>',
      `column names taken as a cursor, in order of preference (default ${DEFAULT_CURSOR_COLUMNS.join(',')})`,
      commaList,
    )
    .option('--name <source>', 'source name for the dbt models (default: the database name)')
    .option('--out <dir>', 'where to write (default: sources/<source name>)')
    .option('--force', 'replace an existing rebar.yml and dbt project in the output folder')
    .action(async (options: InitOptions) => {
      const settings = config();
      if (!settings.sourceUrl)
        throw new InitError(
          'REBAR_SOURCE_URL is not set: rebar init reads the database it names. Set it, e.g. export REBAR_SOURCE_URL=postgresql://user:password@host:5432/dbname',
        );
      const result = await initProject({
        sourceUrl: settings.sourceUrl,
        discover: {
          schemas: options.schemas && options.schemas.length > 0 ? options.schemas : [DEFAULT_SOURCE_SCHEMA],
          include: options.include ?? [],
          exclude: options.exclude ?? [],
          cursorColumns:
            options.cursorColumns && options.cursorColumns.length > 0 ? options.cursorColumns : DEFAULT_CURSOR_COLUMNS,
          softDeleteColumns: DEFAULT_SOFT_DELETE_COLUMNS,
        },
        sourceName: options.name,
        outDir: options.out,
        force: options.force === true,
      });
      const out = relative(process.cwd(), resolve(result.outDir)) || '.';
      process.stdout.write(
        `Discovered ${result.tables.length} table(s) in database ${result.databaseName} (source ${result.sourceName}):\n`,
      );
      for (const { table, reasons } of result.tables) {
        const how = isCursorTable(table) ? `${table.mode} on ${table.cursor}` : table.mode;
        process.stdout.write(`  ${table.name}: ${how}; ${reasons.join('; ')}\n`);
      }
      process.stdout.write(
        `Wrote ${out}/rebar.yml and the dbt project ${out}/dbt/ (staging models in models/staging/${result.sourceName}/).\n`,
      );
      process.stdout.write(
        `Next:\n  export REBAR_TABLES_CONFIG=${out}/rebar.yml REBAR_STATE_DIR=${out}/.rebar\n  rebar nightly\n`,
      );
    });
}
