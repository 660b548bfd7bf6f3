import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Loader, LoadFileOutput } from '../load/loader.js';
import { copyTableToFile } from './copyTableToFile.js';
import { readSourceColumns } from './sourceColumns.js';
import type { TableConfig } from './tablesConfig.js';

export interface ExtractAndLoadInput {
  client: pg.ClientBase;
  loader: Loader;
  table: TableConfig;
  loadId: string;
  /** Where the extract file is written (and removed again). */
  workDir: string;
  onPhase?: (phase: 'extract' | 'load', rows?: number) => void;
}

export interface ExtractAndLoadOutput extends LoadFileOutput {
  rowsExtracted: number;
  bytes: number;
  /** Source rows in the extraction's snapshot; equal to warehouseRows when raw is complete. */
  sourceRows: number;
}

/** One table's incremental step: rows from its watermark (minus the lookback window) to a file, then merged into raw. */
export async function extractAndLoad(input: ExtractAndLoadInput): Promise<ExtractAndLoadOutput> {
  const { client, loader, table } = input;
  const filePath = join(input.workDir, `${table.name}.csv`);
  try {
    const columns = await readSourceColumns(client, table);
    input.onPhase?.('extract');
    const watermark = await loader.getWatermark(table);
    const copied = await copyTableToFile({ client, table, columns, watermark, filePath });
    input.onPhase?.('load', copied.rowCount);
    // Loaded even when empty: the first run creates raw.<table>, so models over an empty table still build.
    const loaded = await loader.loadFile({ table, columns, filePath, loadId: input.loadId });
    return { ...loaded, rowsExtracted: copied.rowCount, bytes: copied.bytes, sourceRows: copied.sourceRowCount };
  } finally {
    rmSync(filePath, { force: true });
  }
}
