import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { ReplaceTableInput, ReplaceTableOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { stageFile } from './stageFile.js';
import { typedColumns } from './typedStage.js';

/** A full-refresh table: RAW.<table> emptied and refilled from the file in one transaction (staged before it). */
export async function replaceTable(
  session: SnowflakeSession,
  rawSchema: string,
  input: ReplaceTableInput,
): Promise<ReplaceTableOutput> {
  const target = `${rawSchema}.${sfIdent(input.table.name)}`;
  const stage = `_rebar_stage_${input.table.name}`;
  const schemaChanges = await alignRawTable(session, rawSchema, input.table, input.columns, input.loadId);
  await stageFile(
    session,
    stage,
    input.columns.map((column) => column.name),
    input.filePath,
    input.loadId,
  );
  const columnList = input.columns.map((column) => sfIdent(column.name)).join(', ');
  return inTransaction(session, async () => {
    await session.execute(`delete from ${target}`);
    const inserted = await session.execute(
      `insert into ${target} (${columnList}, _rebar_load_id, _rebar_loaded_at)
       select ${typedColumns(input.columns)}, ?, current_timestamp() from ${quoteIdent(stage)}`,
      [input.loadId],
    );
    return { rowsWritten: inserted, warehouseRows: inserted, schemaChanges };
  });
}
