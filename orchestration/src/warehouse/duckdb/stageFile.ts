import { statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import { duckdbTypeFor, stageConversion, stageTypeFor } from './types.js';
import { unstorableNumberError } from './unstorableNumber.js';

// Postgres text values reach 1 GB; DuckDB's CSV reader stops at 2 MB a row unless told otherwise.
const MAX_ROW_BYTES = 256 * 1024 * 1024;
const DUCKDB_DEFAULT_LINE_BYTES = 2 * 1024 * 1024;

/**
 * read_csv's row and buffer sizes for one file. DuckDB reserves its whole read buffer up front (by
 * default 16 rows of the longest allowed: 4 GiB for 256 MB rows), which a memory_limit refuses and
 * which no row of a smaller file needs: no row is longer than its file, and no buffer need be either.
 */
export function csvReadSizes(fileBytes: number): { maxLineSize: number; bufferSize: number } {
  const maxLineSize = Math.min(MAX_ROW_BYTES, Math.max(fileBytes + 1, DUCKDB_DEFAULT_LINE_BYTES));
  return { maxLineSize, bufferSize: Math.max(maxLineSize, Math.min(fileBytes + 1, 16 * maxLineSize)) };
}

/** Reads an extract file into a temp table typed like the source columns (bytea decoded). */
export async function stageFile(
  connection: DuckDBConnection,
  stage: string,
  columns: SourceColumn[],
  filePath: string,
): Promise<void> {
  const { maxLineSize, bufferSize } = csvReadSizes(statSync(filePath).size);
  const csvColumns = columns
    .map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(stageTypeFor(column.pgType))}`)
    .join(', ');
  await connection
    .run(
      `create or replace temp table ${stage} as
     select * from read_csv(${quoteLiteral(filePath)}, columns = {${csvColumns}}, header = false, auto_detect = false,
                            delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, strict_mode = true,
                            max_line_size = ${maxLineSize}, buffer_size = ${bufferSize})`,
    )
    .catch((error: unknown) => {
      throw unstorableNumberError(error, columns) ?? error;
    });
  for (const column of columns) {
    const conversion = stageConversion(quoteIdent(column.name), column.pgType);
    if (conversion)
      await connection.run(
        `alter table ${stage} alter ${quoteIdent(column.name)} type ${duckdbTypeFor(column.pgType)} using ${conversion}`,
      );
  }
}
