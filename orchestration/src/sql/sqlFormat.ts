import { extname } from 'node:path';
import { SqlError } from './sqlError.js';

export type SqlFormat = 'table' | 'csv' | 'json' | 'jsonl' | 'parquet';

export const SQL_FORMATS: readonly SqlFormat[] = ['table', 'csv', 'json', 'jsonl', 'parquet'];

/** The file formats an --output file's extension names; `table` is for the terminal only. */
const FORMAT_OF_EXTENSION: Readonly<Record<string, Exclude<SqlFormat, 'table'>>> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

const EXTENSIONS = Object.keys(FORMAT_OF_EXTENSION).join(', ');

/**
 * The format a `rebar sql` result is written in: --format when given, else the --output file's
 * extension, else a table on the terminal. A --format that contradicts the extension, or an output
 * file whose format cannot be told, is refused before the query runs: writing CSV bytes into a
 * file named .parquet leaves a file no reader can open.
 */
export function resolveSqlFormat(format: SqlFormat | undefined, outputPath: string | undefined): SqlFormat {
  if (!outputPath) return format ?? 'table';
  const extension = extname(outputPath).toLowerCase();
  const implied = FORMAT_OF_EXTENSION[extension];
  if (format === 'table')
    throw new SqlError(
      `--format table prints to the terminal; for --output ${outputPath} use one of csv, json, jsonl, parquet (or drop --format to follow the extension: ${EXTENSIONS}).`,
    );
  if (format && implied && format !== implied) {
    throw new SqlError(
      `--format ${format} contradicts --output ${outputPath}, whose extension ${extension} means ${implied}: drop --format, or give the file a matching extension.`,
    );
  }
  if (format) return format;
  if (!implied)
    throw new SqlError(
      `Cannot tell the format of --output ${outputPath} from its extension: name the file ${EXTENSIONS}, or add --format csv|json|jsonl|parquet.`,
    );
  return implied;
}
