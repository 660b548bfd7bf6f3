import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { copyTableToFile } from '../../orchestration/src/extract/copyTableToFile.js';
import { readSourceColumns } from '../../orchestration/src/extract/sourceColumns.js';
import type { TableConfig } from '../../orchestration/src/extract/tablesConfig.js';
import type { Loader, LoadFileOutput } from '../../orchestration/src/load/loader.js';

/** One extract-and-load of a table, as the extractTable activity does it, without Temporal. */
export async function extractOnce(client: pg.ClientBase, loader: Loader, table: TableConfig, loadId: string): Promise<LoadFileOutput & { rowsExtracted: number }> {
  const columns = await readSourceColumns(client, table);
  const watermark = await loader.getWatermark(table);
  const filePath = join(mkdtempSync(join(tmpdir(), 'rebar-extract-')), `${table.name}.csv`);
  const copied = await copyTableToFile({ client, table, columns, watermark, filePath });
  if (copied.rowCount === 0) return { rowsExtracted: 0, rowsInFile: 0, rowsWritten: 0, watermark, schemaChanges: [] };
  return { rowsExtracted: copied.rowCount, ...(await loader.loadFile({ table, columns, filePath, loadId })) };
}
