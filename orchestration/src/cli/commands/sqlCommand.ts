import { InvalidArgumentError, type Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { toCsv } from '../../sql/runSql.js';
import { resolveSqlFormat, SQL_FORMATS, type SqlFormat } from '../../sql/sqlFormat.js';
import { createWarehouse } from '../../warehouse/createWarehouse.js';
import { formatRows } from '../formatRows.js';

function parseFormat(value: string): SqlFormat {
  if (!SQL_FORMATS.includes(value as SqlFormat))
    throw new InvalidArgumentError(`--format must be one of ${SQL_FORMATS.join(', ')} (got "${value}")`);
  return value as SqlFormat;
}

export function registerSqlCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('sql')
    .description('Run ad-hoc SQL on the published warehouse, read-only (never blocks or sees a running load)')
    .argument('<query>', 'the SQL, e.g. "select * from marts.dim_project where is_current"')
    .option(
      '--format <format>',
      `output: ${SQL_FORMATS.join(', ')} (default: from the --output file's extension .csv, .parquet, .json, .jsonl/.ndjson, else table); json writes DECIMAL and BIGINT values as exact JSON numbers`,
      parseFormat,
    )
    .option('--output <file>', 'write the result to this file (required for parquet); its extension sets the format')
    .action(async (query: string, options: { format?: SqlFormat; output?: string }) => {
      const format = resolveSqlFormat(options.format, options.output);
      const result = await createWarehouse(config()).readOnlyQuery({ sql: query, format, outputPath: options.output });
      if (result.writtenTo) {
        process.stdout.write(`Wrote ${result.writtenTo} (${format})\n`);
        return;
      }
      if (format === 'json') process.stdout.write(`[${result.jsonRows.join(',')}]\n`);
      else if (format === 'jsonl') process.stdout.write(result.jsonRows.map((row) => `${row}\n`).join(''));
      else if (format === 'csv') process.stdout.write(`${toCsv(result.columns, result.rows)}\n`);
      else process.stdout.write(`${formatRows(result.rows, result.columns)}\n(${result.rows.length} rows)\n`);
    });
}
