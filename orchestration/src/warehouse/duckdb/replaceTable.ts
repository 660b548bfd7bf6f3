import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { ReplaceTableInput, ReplaceTableOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { stageFile } from './stageFile.js';

/** A full-refresh table: raw.<table> emptied and refilled from the file (the caller holds the transaction). */
export async function replaceTable(
  connection: DuckDBConnection,
  rawSchema: string,
  input: ReplaceTableInput,
): Promise<ReplaceTableOutput> {
  const target = `${rawSchema}.${quoteIdent(input.table.name)}`;
  const stage = quoteIdent(`_rebar_stage_${input.table.name}`);
  const schemaChanges = await alignRawTable(connection, rawSchema, input.table, input.columns, input.loadId);
  await stageFile(connection, stage, input.columns, input.filePath);
  await connection.run(`delete from ${target}`);
  const inserted = await connection.run(
    `insert into ${target} by name select *, ${quoteLiteral(input.loadId)} as _rebar_load_id, current_timestamp as _rebar_loaded_at from ${stage}`,
  );
  await connection.run(`drop table ${stage}`);
  return { rowsWritten: Number(inserted.rowsChanged), warehouseRows: Number(inserted.rowsChanged), schemaChanges };
}
