import { InvalidArgumentError, type Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { runSql, toCsv, type SqlFormat } from '../../sql/runSql.js';
import { formatRows } from '../formatRows.js';

const FORMATS: SqlFormat[] = ['table', 'csv', 'json', 'parquet'];

function parseFormat(value: string): SqlFormat {
  if (!FORMATS.includes(value as SqlFormat)) throw new InvalidArgumentError(`--format must be one of ${FORMATS.join(', ')} (got "${value}")`);
  return value as SqlFormat;
}

export function registerSqlCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('sql')
    .description('Run ad-hoc SQL on the published warehouse, read-only (never blocks or sees a running load)')
    .argument('<query>', 'the SQL, e.g. "select * from marts.dim_project where is_current"')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, parseFormat, 'table')
    .option('--output <file>', 'write the result to this file (required for parquet)')
    .action(async (query: string, options: { format: SqlFormat; output?: string }) => {
      const result = await runSql({ publishedPath: config().publishedPath, sql: query, format: options.format, outputPath: options.output });
      if (result.writtenTo) {
        process.stdout.write(`Wrote ${result.writtenTo} (${options.format})\n`);
        return;
      }
      if (options.format === 'json') process.stdout.write(`${JSON.stringify(result.rows)}\n`);
      else if (options.format === 'csv') process.stdout.write(`${toCsv(result.columns, result.rows)}\n`);
      else process.stdout.write(`${formatRows(result.rows, result.columns)}\n(${result.rows.length} rows)\n`);
    });
}
