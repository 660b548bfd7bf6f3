import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import {
  extractAndLoad,
  type ExtractAndLoadInput,
  type ExtractAndLoadOutput,
} from '../../orchestration/src/load/extractAndLoad.js';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import type { Warehouse } from '../../orchestration/src/warehouse/warehouse.js';

/** One extract-and-load of a table, as the extractTable activity does it, without Temporal. */
export function extractOnce(
  client: pg.ClientBase,
  loader: Warehouse,
  table: TableConfig,
  loadId: string,
  chunkRows = 1_000_000,
  options: Pick<ExtractAndLoadInput, 'contentCheck' | 'window'> = {},
): Promise<ExtractAndLoadOutput> {
  return extractAndLoad({
    client,
    loader,
    table,
    loadId,
    chunkRows,
    workDir: mkdtempSync(join(tmpdir(), 'rebar-extract-')),
    ...options,
  });
}
