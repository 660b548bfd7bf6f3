import { statSync } from 'node:fs';
import type pg from 'pg';
import { cursorWindowPredicate, type CursorWindow } from './cursorWindow.js';
import { resolveLookback } from './lookback.js';
import { extractExpression } from './extractExpression.js';
import { type SourceColumn, SourceTableError } from './sourceColumns.js';
import { describeTable, quotedSourceRelation } from './sourceRelation.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { FullRefreshTableConfig, IncrementalTableConfig } from '../kernel/tablesConfig.js';
import { WatermarkMismatchError, type Watermark } from '../kernel/watermark.js';
import { inReadSnapshot } from './extractSnapshot.js';
import { copyOutToFile } from './copyOutToFile.js';

export interface CopyChunkToFileInput {
  client: pg.ClientBase;
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  /** The last committed position in the warehouse; undefined before the first load. */
  watermark: Watermark | undefined;
  /** The last row this run has already read (later chunks continue strictly after it). */
  after: Watermark | undefined;
  chunkRows: number;
  filePath: string;
  /** SQL true for source rows raw has pruned on purpose (past retention): left out of sourceRowCount. */
  expiredRows?: string;
  /** A backfill: read the rows inside this cursor window (up to the watermark) instead of those past the watermark. */
  window?: CursorWindow;
}

export interface CopyChunkToFileOutput {
  rowCount: number;
  /** Rows in the file whose cursor is NULL (read with the first chunk of every run). */
  nullCursorRows: number;
  bytes: number;
  /**
   * The source table's rows in the same snapshot the rows were read from, minus those past
   * retention: counted only for a table's last chunk (fewer rows than chunkRows), where the
   * reconciliation uses it; undefined for the others (a count is a full scan of the table).
   */
  sourceRowCount: number | undefined;
  /**
   * Where the next chunk continues, in the source's own text form: the position of the chunk's last
   * row, read in the same snapshot; set only for a full chunk (there is a next one). Known before
   * the chunk is loaded, so the next COPY can run while this chunk loads.
   */
  nextAfter: Watermark | undefined;
}

/**
 * Which rows a chunk reads, in (cursor, primary key) order, at most `chunkRows` of them. The first
 * chunk of a run starts in the lookback window behind the watermark (or, without lookback, strictly
 * after it; before any load, at the start); later chunks continue strictly after the last row read.
 */
export function chunkPredicate(
  table: IncrementalTableConfig,
  columns: SourceColumn[],
  watermark: Watermark | undefined,
  after: Watermark | undefined,
  window?: CursorWindow,
): string {
  const typeOf = (name: string) => {
    const column = columns.find((candidate) => candidate.name === name);
    if (!column)
      throw new SourceTableError(`Table ${describeTable(table)}: column "${name}" is missing from the source.`);
    return column.pgType;
  };
  const cursor = quoteIdent(table.cursor);
  const cursorType = typeOf(table.cursor);
  // Resolved on every run, so an unsupported cursor type fails the first run too.
  const lookback = resolveLookback(table, cursorType);
  const notNull = `${cursor} is not null`;
  // Checked before any chunk, not only where the keyset needs it: a lookback's first chunk would
  // otherwise commit before the second one fails, one more chunk on every retry.
  if (watermark && watermark.primaryKey.length !== table.primaryKey.length)
    throw new WatermarkMismatchError(table, watermark);
  if (window) return backfillPredicate(table, cursorType, watermark, after, window, typeOf);
  if (after) return `${notNull} and ${keysetAfter(table, typeOf, after)}`;
  if (!watermark) return notNull;
  const stored = `${quoteLiteral(watermark.cursor)}::${cursorType}`;
  if (lookback.kind === 'interval') return `${cursor} >= ${stored} - interval ${quoteLiteral(lookback.interval)}`;
  if (lookback.kind === 'count') return `${cursor} > ${stored} - ${lookback.count}`;
  return `${notNull} and ${keysetAfter(table, typeOf, watermark)}`;
}

/**
 * A backfill reads the window's rows in keyset order, but never past the watermark: rows after it
 * are the next nightly run's, and a window reaching beyond it would move the watermark over rows
 * between the two that were never read.
 */
function backfillPredicate(
  table: IncrementalTableConfig,
  cursorType: string,
  watermark: Watermark | undefined,
  after: Watermark | undefined,
  window: CursorWindow,
  typeOf: (name: string) => string,
): string {
  if (!watermark)
    throw new SourceTableError(
      `Table ${describeTable(table)} has never been loaded: run a nightly load before backfilling it.`,
    );
  const cursor = quoteIdent(table.cursor);
  const upToWatermark = `${cursor} <= ${quoteLiteral(watermark.cursor)}::${cursorType}`;
  return [
    cursorWindowPredicate(table, cursorType, window),
    upToWatermark,
    ...(after ? [keysetAfter(table, typeOf, after)] : []),
  ].join(' and ');
}

/**
 * `(cursor, key columns other than the cursor) > (the position's values)`. A position stores the
 * cursor, then one value per primary-key column in the key's own order (the cursor's too when it is
 * part of the key), so values are picked by column name: the key may list its columns in any order.
 */
function keysetAfter(table: IncrementalTableConfig, typeOf: (name: string) => string, position: Watermark): string {
  if (position.primaryKey.length !== table.primaryKey.length) throw new WatermarkMismatchError(table, position);
  const keyColumns = [table.cursor, ...table.primaryKey.filter((key) => key !== table.cursor)];
  const keyValues = [
    position.cursor,
    ...table.primaryKey.flatMap((key, index) => (key === table.cursor ? [] : [position.primaryKey[index]!])),
  ];
  const left = keyColumns.map(quoteIdent).join(', ');
  const right = keyValues.map((value, index) => `${quoteLiteral(value)}::${typeOf(keyColumns[index]!)}`).join(', ');
  return `(${left}) > (${right})`;
}

/**
 * Streams one chunk out of Postgres with COPY ... TO STDOUT (CSV) into a file: rows past the
 * chunk predicate in keyset order, plus (first chunk only) rows whose cursor is NULL, which have no
 * position to record and so are read on every run. Runs in a read-only REPEATABLE READ transaction
 * with UTC/ISO output so values are stable and exact; the source row count comes from the same snapshot.
 */
export async function copyChunkToFile(input: CopyChunkToFileInput): Promise<CopyChunkToFileOutput> {
  const { client, table, columns, watermark, after, filePath } = input;
  const relation = quotedSourceRelation(table);
  const selectList = columns.map((column) => extractExpression(quoteIdent(column.name), column)).join(', ');
  const order = [table.cursor, ...table.primaryKey.filter((key) => key !== table.cursor)].map(quoteIdent).join(', ');
  const chunk = `(select ${selectList} from ${relation} where ${chunkPredicate(table, columns, watermark, after, input.window)} order by ${order} limit ${input.chunkRows})`;
  const nullRows = `select ${selectList} from ${relation} where ${quoteIdent(table.cursor)} is null`;
  // Rows without a cursor value are outside every backfill window.
  const withNullRows = !after && !input.window;
  const query = `copy (${withNullRows ? `${chunk} union all (${nullRows})` : chunk}) to stdout with (format csv)`;

  // The chunk's last row: the same rows in the same order, only the position columns of the last one.
  // Aliased: ORDER BY would otherwise bind a column's name to its text cast in the select list.
  const positionColumns = [table.cursor, ...table.primaryKey].map(
    (column, index) => `cast(${quoteIdent(column)} as text) as position_${index}`,
  );
  const lastPosition = async (): Promise<Watermark | undefined> => {
    const result = await client.query<string[]>({
      text: `select ${positionColumns.join(', ')} from ${relation} where ${chunkPredicate(table, columns, watermark, after, input.window)} order by ${order} offset ${input.chunkRows - 1} limit 1`,
      rowMode: 'array',
    });
    const row = result.rows[0];
    return row ? { cursor: String(row[0]), primaryKey: row.slice(1).map(String) } : undefined;
  };

  return inReadSnapshot(client, async () => {
    const nullCursorRows = !withNullRows
      ? 0
      : Number(
          (
            await client.query<{ n: string }>(
              `select count(*) as n from ${relation} where ${quoteIdent(table.cursor)} is null`,
            )
          ).rows[0]?.n ?? 0,
        );
    const rowCount = await copyOutToFile(client, query, filePath);
    const bytes = statSync(filePath).size;
    if (rowCount - nullCursorRows >= input.chunkRows)
      return { rowCount, nullCursorRows, bytes, sourceRowCount: undefined, nextAfter: await lastPosition() };
    const kept = input.expiredRows ? ` where not coalesce(${input.expiredRows}, false)` : '';
    const counted = await client.query<{ row_count: string }>(`select count(*) as row_count from ${relation}${kept}`);
    return {
      rowCount,
      nullCursorRows,
      bytes,
      sourceRowCount: Number(counted.rows[0]?.row_count ?? 0),
      nextAfter: undefined,
    };
  });
}

/** A full-refresh table, whole, in one snapshot. */
export async function copyWholeTableToFile(input: {
  client: pg.ClientBase;
  table: FullRefreshTableConfig;
  columns: SourceColumn[];
  filePath: string;
}): Promise<{ rowCount: number; bytes: number }> {
  const relation = quotedSourceRelation(input.table);
  const selectList = input.columns.map((column) => extractExpression(quoteIdent(column.name), column)).join(', ');
  return inReadSnapshot(input.client, async () => {
    const rowCount = await copyOutToFile(
      input.client,
      `copy (select ${selectList} from ${relation}) to stdout with (format csv)`,
      input.filePath,
    );
    return { rowCount, bytes: statSync(input.filePath).size };
  });
}
