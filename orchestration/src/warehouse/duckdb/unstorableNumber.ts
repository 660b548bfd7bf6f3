import { SourceTableError, type SourceColumn } from '../../kernel/sourceColumn.js';

/**
 * A numeric(p,s) column holding NaN or ±Infinity, which a DECIMAL cannot hold: the load fails (a
 * value is never turned into NULL), and the error says which column and how to land it instead.
 * Undefined for any other error.
 */
export function unstorableNumberError(error: unknown, columns: SourceColumn[]): SourceTableError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const found = /converting column "((?:[^"]|"")+)"\. Could not convert string "(-?Infinity|NaN)" to 'DECIMAL/i.exec(
    message,
  );
  if (!found) return undefined;
  const name = found[1]!.replace(/""/g, '"');
  const column = columns.find((candidate) => candidate.name === name);
  return new SourceTableError(
    `Column "${name}"${column ? ` (${column.pgType})` : ''} holds ${found[2]}, which a DECIMAL cannot hold, so the table was not loaded. ` +
      `Land the column as another type in the tables config: column_types: { ${name}: double } keeps NaN and infinities as DOUBLE values ` +
      `(about 15 significant digits), column_types: { ${name}: varchar } keeps Postgres' exact text; then rebar reset the table if raw already holds it. (DuckDB said: ${message.split('\n')[0]})`,
  );
}
