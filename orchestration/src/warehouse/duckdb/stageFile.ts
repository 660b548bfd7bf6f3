import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import { duckdbTypeFor, stageConversion, stageTypeFor } from './types.js';
import { unstorableNumberError } from './unstorableNumber.js';

// Postgres text values reach 1 GB; DuckDB's CSV reader stops at 2 MB a row unless told otherwise.
const MAX_ROW_BYTES = 256 * 1024 * 1024;

/** Reads an extract file into a temp table typed like the source columns (bytea decoded). */
export async function stageFile(
  connection: DuckDBConnection,
  stage: string,
  columns: SourceColumn[],
  filePath: string,
): Promise<void> {
  const csvColumns = columns
    .map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(stageTypeFor(column.pgType))}`)
    .join(', ');
  await connection
    .run(
      `create or replace temp table ${stage} as
     select * from read_csv(${quoteLiteral(filePath)}, columns = {${csvColumns}}, header = false, auto_detect = false,
                            delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, strict_mode = true,
                            max_line_size = ${MAX_ROW_BYTES})`,
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
