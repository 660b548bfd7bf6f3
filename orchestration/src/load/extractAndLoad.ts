import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { LoadFileOutput, Warehouse } from '../warehouse/warehouse.js';
import { copyChunkToFile, copyWholeTableToFile } from '../extract/copyChunkToFile.js';
import { detectHardDeletes, hardDeleteCheckDue } from './detectHardDeletes.js';
import { expiredRowsPredicate, timestampKindOfPg } from '../retention/expiredRows.js';
import { readSourceColumns, SourceTableError, type SourceColumn } from '../extract/sourceColumns.js';
import { describeTable } from '../extract/sourceRelation.js';
import { checkContent, type ContentCheckSettings } from './contentCheck.js';
import { rereadNewColumns } from './rereadColumns.js';
import type { CursorWindow } from '../extract/cursorWindow.js';
import type { IncrementalTableConfig, TableConfig } from '../kernel/tablesConfig.js';
import type { Watermark } from '../kernel/watermark.js';

/** Running totals of one table's extraction; carried across activity attempts in heartbeat details. */
export interface ExtractProgress {
  chunks: number;
  rowsExtracted: number;
  rowsWritten: number;
  /** Rows the hard-delete key pass found gone from the source and tombstoned. */
  rowsTombstoned: number;
  bytes: number;
  schemaChanges: string[];
}

export interface ExtractAndLoadInput {
  client: pg.ClientBase;
  loader: Warehouse;
  table: TableConfig;
  loadId: string;
  /** Where each chunk's file is written (and removed again). */
  workDir: string;
  /** Rows per chunk: each chunk commits with its watermark, so an interrupted run resumes after the last one. */
  chunkRows: number;
  /** Totals from an earlier, interrupted attempt of the same run. */
  resumeFrom?: ExtractProgress;
  onChunk?: (progress: ExtractProgress) => void;
  /** A backfill: re-read this cursor window (up to the watermark) instead of the rows past the watermark. */
  window?: CursorWindow;
  /** Compare raw with the source by value after loading (see contentCheck.ts); unset: no content check. */
  contentCheck?: ContentCheckSettings;
}

export interface ExtractAndLoadOutput extends ExtractProgress {
  /**
   * Source rows (in the last chunk's snapshot) and raw rows after the last chunk: the reconciliation.
   * For a table with retention, source rows older than the cutoff raw has been pruned to are not
   * counted: raw lacks them on purpose (see prunedSourceRows below).
   */
  sourceRows: number;
  warehouseRows: number;
  watermark: Watermark | undefined;
  /** What the content check compared (one line), when it ran. */
  contentCheck?: string;
  /** The content check's wall time, part of the table's extraction time, when it ran. */
  contentCheckMs?: number;
}

/**
 * One table's incremental step, chunk by chunk: rows from its watermark (minus the lookback
 * window) in (cursor, primary key) order, each chunk merged into raw and committed with the new
 * watermark before the next is read.
 */
export function extractAndLoad(input: ExtractAndLoadInput): Promise<ExtractAndLoadOutput> {
  return input.loader.holdingOpen(() => extractAndLoadTable(input));
}

async function extractAndLoadTable(input: ExtractAndLoadInput): Promise<ExtractAndLoadOutput> {
  const { client, loader, table } = input;
  const filePath = join(input.workDir, `${table.name}.csv`);
  // Two, used in turn: one chunk loads from one while the next is copied into the other.
  const chunkFiles = [0, 1].map((index) => join(input.workDir, `${table.name}.chunk${index}.csv`));
  const progress: ExtractProgress = input.resumeFrom
    ? { ...input.resumeFrom, schemaChanges: [...input.resumeFrom.schemaChanges] }
    : { chunks: 0, rowsExtracted: 0, rowsWritten: 0, rowsTombstoned: 0, bytes: 0, schemaChanges: [] };
  try {
    const columns = await readSourceColumns(client, table);
    if (table.mode === 'full_refresh' && input.window) {
      throw new SourceTableError(
        `Table ${describeTable(table)} is reloaded whole by every nightly run (mode full_refresh): it has no cursor to backfill; leave it out.`,
      );
    }
    if (table.mode === 'full_refresh') {
      const copied = await copyWholeTableToFile({ client, table, columns, filePath });
      const replaced = await loader.replaceTable({ table, columns, filePath, loadId: input.loadId });
      Object.assign(progress, {
        chunks: 1,
        rowsExtracted: copied.rowCount,
        rowsWritten: replaced.rowsWritten,
        bytes: copied.bytes,
      });
      progress.schemaChanges.push(...replaced.schemaChanges);
      return { ...progress, sourceRows: copied.rowCount, warehouseRows: replaced.warehouseRows, watermark: undefined };
    }
    if (table.mode === 'cdc') {
      // Its changes come from the source's replication slot, read once for all such tables (cdc/captureChanges.ts).
      throw new SourceTableError(
        `Table ${describeTable(table)} is read from the write-ahead log (mode cdc), not by a cursor${input.window ? ': it has no cursor to backfill; leave it out' : ''}.`,
      );
    }
    const watermark = await loader.getWatermark(table);
    const expiredRows = await prunedSourceRows(loader, table, columns);
    const copyChunk = (after: Watermark | undefined, chunkFile: string) =>
      copyChunkToFile({
        client,
        table,
        columns,
        watermark,
        after,
        chunkRows: input.chunkRows,
        filePath: chunkFile,
        expiredRows,
        window: input.window,
      });
    // Where the warehouse loads a table's run as one unit (Snowflake), chunks are staged as they come
    // and count as extracted only once the unit commits: a retried attempt starts from the watermark.
    const bulk = await loader.startBulkLoad?.({ table, columns, loadId: input.loadId });
    const staged = { chunks: 0, rows: 0, bytes: 0 };
    // Chunk N+1 is copied out of the source while chunk N loads: the source and the warehouse work
    // at the same time. Its file is only a file until its own load commits it with its watermark.
    let pending: ReturnType<typeof copyChunk> | undefined = copyChunk(undefined, chunkFiles[0]!);
    try {
      for (let chunk = 0; ; chunk += 1) {
        const copied = await pending!;
        pending = undefined;
        const lastChunk = copied.nextAfter === undefined;
        if (!lastChunk) pending = copyChunk(copied.nextAfter, chunkFiles[(chunk + 1) % 2]!);
        const chunkFile = chunkFiles[chunk % 2]!;
        staged.chunks += 1;
        staged.rows += copied.rowCount;
        staged.bytes += copied.bytes;
        let loaded: LoadFileOutput;
        if (bulk) {
          await bulk.add(chunkFile);
          if (!lastChunk) continue;
          await bulk.stage();
          loaded = await bulk.finish({ countRows: true });
        } else {
          // Loaded even when empty: the first run creates raw.<table>, so models over an empty table still build.
          loaded = await loader.loadFile({
            table,
            columns,
            filePath: chunkFile,
            loadId: input.loadId,
            countRows: lastChunk,
          });
        }
        progress.chunks += staged.chunks;
        progress.rowsExtracted += staged.rows;
        progress.bytes += staged.bytes;
        Object.assign(staged, { chunks: 0, rows: 0, bytes: 0 });
        progress.rowsWritten += loaded.rowsWritten;
        progress.schemaChanges.push(...loaded.schemaChanges);
        input.onChunk?.(progress);
        if (lastChunk) {
          let warehouseRows = loaded.warehouseRows!; // counted: countRows on the last chunk
          if (await hardDeleteCheckDue(loader, table)) {
            const tombstoned = await detectHardDeletes({
              client,
              loader,
              table,
              columns,
              workDir: input.workDir,
              chunkRows: input.chunkRows,
              loadId: input.loadId,
            });
            progress.rowsTombstoned += tombstoned;
            warehouseRows -= tombstoned;
            input.onChunk?.(progress);
          }
          // After the main pass, so the rows it brought in are re-read too and the column exists in raw.
          const reread = await rereadNewColumns({
            client,
            loader,
            table,
            columns,
            workDir: input.workDir,
            chunkRows: input.chunkRows,
            loadId: input.loadId,
            onChunk: () => input.onChunk?.(progress),
          });
          progress.schemaChanges.push(...reread);
          const committed = loaded.watermark ?? (await loader.getWatermark(table));
          const checked =
            input.contentCheck && loader.contentChecks && committed && !input.window
              ? await checkContent({
                  client,
                  store: loader.contentChecks,
                  table,
                  columns,
                  watermark: committed,
                  expiredRows,
                  settings: input.contentCheck,
                  loadId: input.loadId,
                })
              : undefined;
          return {
            ...progress,
            sourceRows: copied.sourceRowCount ?? 0,
            warehouseRows,
            watermark: committed,
            contentCheck: checked?.summary,
            contentCheckMs: checked?.durationMs,
          };
        }
      }
    } catch (error) {
      await bulk?.abandon().catch(() => undefined);
      throw error;
    } finally {
      // The next chunk's COPY holds the source connection: let it end before the caller releases it.
      await pending?.catch(() => undefined);
    }
  } finally {
    for (const file of [filePath, ...chunkFiles]) rmSync(file, { force: true });
  }
}

/**
 * Which source rows raw has pruned on purpose, as SQL over the source table; undefined without
 * retention or before the first prune.
 *
 * Why count the source inside the pruned window rather than add the pruned totals to raw: raw then
 * holds exactly the source rows at or after the cutoff it was last pruned to, so the two counts must
 * be equal, and a row that is genuinely missing (never loaded, lost) still shows as a difference.
 * "raw + everything ever pruned" would stop balancing as soon as the source deleted or archived
 * old events itself, and a missing recent row could hide behind a pruned-count drift. The boundary
 * is the cutoff already applied (from _rebar.retention_prunes), not now minus the retention: rows
 * that have aged past retention since the last prune are still in raw, and counted on both sides.
 */
async function prunedSourceRows(
  loader: Warehouse,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<string | undefined> {
  if (!table.retention) return undefined;
  const kind = timestampKindOfPg(
    columns.find((column) => column.name === table.retention?.timestampColumn)?.pgType ?? '',
  );
  if (!kind) return undefined; // refused by readSourceColumns already
  return expiredRowsPredicate(table.retention, kind, await loader.retentionBoundaries(table));
}
