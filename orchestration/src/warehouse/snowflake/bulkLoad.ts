import type { BulkLoad, BulkLoadInput, LoadFileOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { mergeStaged, stagedTableName } from './mergeFile.js';
import { StagedParts, type SessionRunner } from './stagedParts.js';

/**
 * Starts one table's bulk load: whatever an earlier, interrupted attempt left on the table's stage
 * path removed, and raw.<table> aligned with the source's columns (DDL, before any transaction).
 * The run's files are PUT as they come (StagedParts); finish() then runs, in one session, one COPY
 * of every part into a temporary table and one MERGE (mergeStaged), which commits the rows with
 * the watermark. A crash before that commit leaves raw and the watermark as they were.
 */
export async function startBulkLoad(
  run: SessionRunner,
  rawSchema: string,
  input: BulkLoadInput,
  fileBytes: number,
): Promise<BulkLoad> {
  const parts = await StagedParts.start(run, 'load', input.table.name, input.loadId, fileBytes);
  const schemaChanges = await run((session) =>
    alignRawTable(session, rawSchema, input.table, input.columns, input.loadId, true),
  );
  return {
    schemaChanges,
    add: (filePath) => parts.add(filePath),
    stage: () => parts.stage(),
    finish: async (options): Promise<LoadFileOutput> => {
      try {
        const { table, columns, loadId } = input;
        return await run(async (session) => {
          const stage = stagedTableName(table);
          await parts.copyInto(
            session,
            stage,
            columns.map((column) => column.name),
          );
          return mergeStaged(session, rawSchema, {
            table,
            columns,
            loadId,
            stage,
            countRows: options.countRows,
            schemaChanges,
          });
        });
      } finally {
        parts.removeLocalFiles();
      }
    },
    abandon: () => parts.discard(),
  };
}
