import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { readSourceColumns, type SourceColumn } from '../extract/sourceColumns.js';
import { describeTable } from '../extract/sourceRelation.js';
import type { CdcTableConfig } from '../kernel/tablesConfig.js';
import { rereadNewColumns } from '../load/rereadColumns.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CdcSetupError } from './cdcErrors.js';
import type { CdcSettings } from './cdcSettings.js';
import type { SlotReport } from './slotReport.js';
import { copyRowsOfKeys, copyWholeTable, type CopiedRows } from './copyCurrentRows.js';
import { checkReplicaIdentity, ensurePublication } from './publication.js';
import { readChangedKeys } from './readChangedKeys.js';
import {
  advanceSlot,
  checkWalLevel,
  createSlotWithSnapshot,
  dropSlot,
  readSlotState,
  type CreatedSlot,
} from './replicationSlot.js';

export interface CaptureChangesInput {
  /** Holds credentials: used to connect, never logged or returned. */
  sourceUrl: string;
  loader: Warehouse;
  tables: readonly CdcTableConfig[];
  settings: CdcSettings;
  loadId: string;
  workDir: string;
  /** Changes read per step: each step's rows commit with their position before the slot moves on. */
  chunkRows: number;
  /** After each table's step commits (heartbeat, cancellation point). */
  onProgress?: (tables: CapturedTable[]) => void;
}

/** One cdc table's run, in the terms of a cursor table's (TableRunResult). */
export interface CapturedTable {
  table: string;
  /** Rows read from the source: changed keys' current rows, or whole tables copied. */
  rowsExtracted: number;
  rowsWritten: number;
  rowsTombstoned: number;
  bytes: number;
  /** Keys the log named as changed (inserted, updated or deleted), counted once per step. */
  changes: number;
  schemaChanges: string[];
  warehouseRows: number | undefined;
}

export interface CaptureChangesOutput {
  tables: CapturedTable[];
  slot: SlotReport;
}

/**
 * Every cdc table's changes since the last run, through the source's replication slot: tables new
 * to the slot are copied whole (in the snapshot the slot starts at, when this run creates it), then
 * the slot's transactions up to the WAL's end at the start are read step by step. Each step reads
 * the current rows of the keys that changed, loads them (and tombstones keys gone) with the step's
 * end position in one warehouse transaction per table, and only then confirms the slot up to it.
 * A crash anywhere repeats at most the unconfirmed step, whose tables skip what they already hold.
 */
export async function captureChanges(input: CaptureChangesInput): Promise<CaptureChangesOutput> {
  const { loader, tables, settings } = input;
  const applyChanges = loader.applyChanges;
  if (!applyChanges)
    throw new CdcSetupError(
      `Mode cdc (${tables.map((table) => table.name).join(', ')}) loads into the DuckDB warehouse only in this version: use a cursor or mode full_refresh for these tables on Snowflake (docs/cdc.md).`,
    );
  const client = new pg.Client({ connectionString: input.sourceUrl, application_name: 'rebar-cdc' });
  const reader = new pg.Client({ connectionString: input.sourceUrl, application_name: 'rebar-cdc-rows' });
  const results = new Map<string, CapturedTable>(
    tables.map((table) => [
      table.name,
      {
        table: table.name,
        rowsExtracted: 0,
        rowsWritten: 0,
        rowsTombstoned: 0,
        bytes: 0,
        changes: 0,
        schemaChanges: [],
        warehouseRows: undefined,
      },
    ]),
  );
  const report = () => input.onProgress?.([...results.values()]);
  const files = (table: CdcTableConfig) => ({
    filePath: join(input.workDir, `${table.name}.cdc.csv`),
    keysFilePath: join(input.workDir, `${table.name}.cdc-keys.csv`),
  });
  const apply = async (table: CdcTableConfig, copied: CopiedRows, wholeTable: boolean, position: string) => {
    const result = results.get(table.name)!;
    const applied = await applyChanges({
      table,
      columns: columns.get(table.name)!,
      rowsFilePath: files(table).filePath,
      keysFilePath: files(table).keysFilePath,
      wholeTable,
      position,
      loadId: input.loadId,
    });
    result.rowsExtracted += copied.rowCount;
    result.bytes += copied.bytes;
    result.rowsWritten += applied.rowsWritten;
    result.rowsTombstoned += applied.rowsTombstoned;
    result.warehouseRows = applied.warehouseRows;
    result.schemaChanges.push(...applied.schemaChanges);
    positions.set(table.name, position);
    report();
  };
  /** The whole table (in the given snapshot, else now) replaces raw's rows, at `position`. */
  const copyWholeAndApply = async (table: CdcTableConfig, snapshotName: string | undefined, position: string) => {
    const copied = await copyWholeTable({
      client: reader,
      table,
      columns: columns.get(table.name)!,
      snapshotName,
      ...files(table),
    });
    await apply(table, copied, true, position);
  };
  const columns = new Map<string, SourceColumn[]>();
  const positions = new Map<string, string>();
  try {
    await client.connect();
    await reader.connect();
    await checkWalLevel(client);
    for (const table of tables) {
      columns.set(table.name, await readSourceColumns(client, table));
      await checkReplicaIdentity(client, table);
    }
    await ensurePublication(client, settings.publication, tables);
    for (const table of tables) {
      const stored = await loader.getWatermark(table);
      if (stored) positions.set(table.name, stored.cursor);
    }

    let slot = await readSlotState(client, settings.slot);
    const retainedBytesBefore = slot?.retainedBytes ?? null;
    const unreadBytesBefore = slot?.unreadBytes ?? null;
    if (slot?.walStatus === 'lost') {
      // Its WAL is gone: the changes since its position cannot be read; a new slot starts over.
      await dropSlot(client, settings.slot);
      slot = undefined;
    }
    if (!slot) {
      for (const table of tables)
        if (positions.has(table.name))
          results
            .get(table.name)!
            .schemaChanges.push(
              `replication slot ${settings.slot} was gone (dropped, or its WAL removed past max_slot_wal_keep_size): ${describeTable(table)} copied whole again from the new slot's starting snapshot`,
            );
      positions.clear();
      const created: CreatedSlot = await createSlotWithSnapshot(input.sourceUrl, settings.slot);
      try {
        for (const table of tables) await copyWholeAndApply(table, created.snapshotName, created.consistentPoint);
      } finally {
        await created.close();
      }
      slot = (await readSlotState(client, settings.slot))!;
    }
    // Tables new to an existing slot: the publication holds them already, so a copy taken now plus
    // the slot's changes from its confirmed position on (replayed onto the copy: current rows, so
    // harmless) is the table.
    for (const table of tables)
      if (!positions.has(table.name)) await copyWholeAndApply(table, undefined, slot.confirmedFlush);

    const {
      rows: [end],
    } = await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    for (;;) {
      const changed = await readChangedKeys(client, {
        slot: settings.slot,
        publication: settings.publication,
        upTo: end!.lsn,
        maxChanges: input.chunkRows,
        tables,
        columns,
        positions,
      });
      if (changed.endLsn === undefined) break;
      for (const table of tables) {
        const keys = [...changed.keys.get(table.name)!.values()];
        const result = results.get(table.name)!;
        result.changes += keys.length;
        if (changed.truncated.has(table.name)) {
          await copyWholeAndApply(table, undefined, changed.endLsn);
        } else if (keys.length > 0) {
          const copied = await copyRowsOfKeys({
            client: reader,
            table,
            columns: columns.get(table.name)!,
            keys,
            ...files(table),
          });
          await apply(table, copied, false, changed.endLsn);
        }
      }
      // Only now: every table holds this step's changes, so the source may let go of their WAL.
      await advanceSlot(client, settings.slot, changed.endLsn);
    }

    for (const table of tables) {
      const reread = await rereadNewColumns({
        client: reader,
        loader,
        table,
        columns: columns.get(table.name)!,
        workDir: input.workDir,
        chunkRows: input.chunkRows,
        loadId: input.loadId,
        onChunk: report,
      });
      results.get(table.name)!.schemaChanges.push(...reread);
    }
    const after = (await readSlotState(client, settings.slot))!;
    return {
      tables: [...results.values()],
      slot: {
        slot: settings.slot,
        retainedBytesBefore,
        retainedBytesAfter: after.retainedBytes,
        unreadBytesBefore,
        unreadBytesAfter: after.unreadBytes,
        confirmedFlush: after.confirmedFlush,
        limitBytes: settings.maxRetainedWalBytes,
      },
    };
  } finally {
    for (const table of tables) for (const file of Object.values(files(table))) rmSync(file, { force: true });
    await client.end().catch(() => undefined);
    await reader.end().catch(() => undefined);
  }
}
