import type pg from 'pg';
import type { ContentCheckStore } from '../warehouse/warehouse.js';
import { sourceRowDigestText, sourceRowHash } from '../reconcile/rangeDigest.js';
import { canonicalValue, rowKey, sourceText } from '../reconcile/rowText.js';
import { inReadSnapshot } from '../extract/extractSnapshot.js';
import { resolveLookback } from '../extract/lookback.js';
import { type SourceColumn, SourceTableError } from '../extract/sourceColumns.js';
import { describeTable, quotedSourceRelation } from '../extract/sourceRelation.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import { type IncrementalTableConfig, sourceRelationOf } from '../kernel/tablesConfig.js';
import type { Watermark } from '../kernel/watermark.js';

export interface ContentCheckSettings {
  /** Wall time one table's check may take per run; at least one key range is always compared. */
  budgetMs: number;
  /** Rows per compared key range. */
  rangeRows: number;
}

export interface ContentCheckInput {
  client: pg.ClientBase;
  store: ContentCheckStore;
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  /** The committed watermark after this run's load: rows changed after it are the next run's. */
  watermark: Watermark;
  /** SQL true for source rows raw has pruned on purpose (past retention). */
  expiredRows: string | undefined;
  settings: ContentCheckSettings;
  loadId: string;
  now?: () => number;
}

export interface ContentCheckOutput {
  rowsCompared: number;
  /** The rotation reached the end of the table this run (the next run starts over). */
  reachedEnd: boolean;
  /** Key ranges found equal by their digests alone (the rest were compared row by row). */
  rangesByDigest: number;
  /** One line for the run summary. */
  summary: string;
  /** Wall time the check took (it runs after the table's load, inside the table's extraction). */
  durationMs: number;
}

/** Raw differs from the source in rows no incremental load will bring back: the table fails. */
export class ContentMismatchError extends SourceTableError {
  override name = 'ContentMismatchError';
}

/**
 * The nightly content reconciliation. Row counts cannot see a value the source changed without
 * moving the row's cursor (an app bug, a trigger turned off, a manual UPDATE): raw keeps the old
 * value for ever. So every run compares values too, in primary-key ranges of `rangeRows` rows: each
 * side's rows in canonical text, every column (reconcile/rowText.ts, the normalisation `rebar reconcile` uses),
 * compared row by row in memory. The rotation continues where the last run stopped (kept in
 * _rebar.content_check_positions) until the time budget is spent, so a small table is checked whole
 * every night and a big one a share per night.
 *
 * Not a difference: a source row whose cursor is past the committed watermark or inside the lookback
 * window behind it (changed or committed after extraction; the next run reads it), a NULL cursor
 * (re-read by every run), and raw rows the source no longer has (hard deletes: the key pass
 * tombstones them, the row count reconciliation reports them). A difference fails the table naming
 * the key range, the first rows and the backfill that repairs it; the rotation stays on that range.
 */
export async function checkContent(input: ContentCheckInput): Promise<ContentCheckOutput> {
  const { store, table } = input;
  const now = input.now ?? Date.now;
  const started = now();
  const keyColumns = table.primaryKey.map(
    (name) => input.columns.find((column) => column.name === name) as SourceColumn,
  );
  const compared = input.columns.filter((column) => !table.primaryKey.includes(column.name));
  const canonical = [...keyColumns, ...compared].map(canonicalValue);
  const cursorIndex = [...keyColumns, ...compared].findIndex((column) => column.name === table.cursor);
  let afterKey = await store.position(table);
  const firstKey = afterKey;
  let rowsCompared = 0;
  let rangesByDigest = 0;
  // First as digests (nothing but two sums leaves either database); row by row when they differ.
  // The source's digest of the next range is computed while raw computes this range's.
  let nextSource: Promise<SourceDigest> | undefined = sourceDigest(input, keyColumns, compared, afterKey);
  try {
    for (;;) {
      const source = await (nextSource ?? sourceDigest(input, keyColumns, compared, afterKey));
      nextSource = undefined;
      if (!source.reachedEnd && now() - started < input.settings.budgetMs)
        nextSource = sourceDigest(input, keyColumns, compared, source.upToKey);
      const equalByDigest = await rawDigestMatches(input, keyColumns, compared, afterKey, source);
      let upToKey: string[] | undefined;
      let reachedEnd: boolean;
      let rangeRows: number;
      if (equalByDigest) {
        ({ upToKey, reachedEnd, rows: rangeRows } = source);
        rangesByDigest += 1;
      } else {
        // The rows are read on the same source connection: the next range's digest finishes first.
        await nextSource?.catch(() => undefined);
        const sourceRows = await readSourceRange(input, keyColumns, compared, afterKey);
        reachedEnd = sourceRows.length < input.settings.rangeRows;
        upToKey = reachedEnd ? undefined : (sourceRows[sourceRows.length - 1]!.slice(0, keyColumns.length) as string[]);
        rangeRows = sourceRows.length;
        const raw = await store.rawRowsAsText({ table, keyColumns, columns: compared, afterKey, upToKey });
        const differing = differingRows(sourceRows, raw, keyColumns.length, canonical);
        if (differing.length > 0) {
          const range = describeRange(table, afterKey, upToKey);
          const detail = mismatchMessage(table, range, differing, keyColumns, cursorIndex, canonical);
          await store.record({
            table,
            loadId: input.loadId,
            fromKey: afterKey,
            toKey: upToKey,
            rowsCompared: sourceRows.length,
            result: 'different',
            detail,
            nextAfterKey: undefined,
          });
          throw new ContentMismatchError(detail);
        }
      }
      await store.record({
        table,
        loadId: input.loadId,
        fromKey: afterKey,
        toKey: upToKey,
        rowsCompared: rangeRows,
        result: 'equal',
        detail: undefined,
        nextAfterKey: reachedEnd ? null : upToKey,
      });
      rowsCompared += rangeRows;
      // Read concurrently changed rows can end a row-by-row range elsewhere than its digest did.
      if (!equalByDigest && JSON.stringify(upToKey) !== JSON.stringify(source.upToKey)) nextSource = undefined;
      if (reachedEnd || now() - started >= input.settings.budgetMs) {
        const share =
          firstKey === undefined && reachedEnd
            ? 'the whole table'
            : `${describeRange(table, firstKey, upToKey)}${reachedEnd ? ' (end of the table; the next run starts over)' : ''}`;
        const durationMs = now() - started;
        return {
          rowsCompared,
          reachedEnd,
          rangesByDigest,
          summary: `content check: ${rowsCompared.toLocaleString('en-US')} rows equal to the source by value, ${share}, in ${(durationMs / 1000).toFixed(1)} s`,
          durationMs,
        };
      }
      afterKey = upToKey;
    }
  } finally {
    // A digest still running holds the source connection: it ends before the caller uses it again.
    await nextSource?.catch(() => undefined);
  }
}

/** More rows in flight in one range than this, and the range is compared row by row (no digest). */
const MAX_EXCLUDED_KEYS = 1_000;

/** The source side of a range's digest (reconcile/rangeDigest.ts): the rows not in flight, and the keys in flight. */
interface SourceDigest {
  rows: number;
  comparedRows: number;
  digest: string;
  inFlightKeys: string[][];
  /** The range's last key; undefined at the end of the table. */
  upToKey: string[] | undefined;
  reachedEnd: boolean;
}

/** The range after `afterKey` (the same rows readSourceRange reads) as the source's digest. */
async function sourceDigest(
  input: ContentCheckInput,
  keyColumns: SourceColumn[],
  compared: SourceColumn[],
  afterKey: string[] | undefined,
): Promise<SourceDigest> {
  const { table } = input;
  const keys = keyColumns.map((column) => `source_row.${quoteIdent(column.name)}`);
  const keyTexts = keyColumns.map((column, index) => `${sourceText(column, 'source_row.')} as key_${index}`);
  // The typed keys too: the last row is the last in the key's own order, not its text's.
  const sortKeys = keys.map((key, index) => `${key} as sort_key_${index}`);
  const lastFirst = keys.map((_, index) => `sort_key_${index} desc`).join(', ');
  const keyArray = `json_build_array(${keyColumns.map((_, index) => `key_${index}`).join(', ')})`;
  const rowText = sourceRowDigestText([...keyColumns, ...compared], 'source_row.');
  const text = `with range_rows as (
      select ${keyTexts.join(', ')}, ${sortKeys.join(', ')}, ${sourceRowHash(rowText)} as row_hash, (${inFlight(input)}) as in_flight
      from ${quotedSourceRelation(table)} as source_row ${sourceFilters(input, keyColumns, afterKey)}
      order by ${keys.join(', ')} limit ${input.settings.rangeRows}
    )
    select count(*)::text as row_count,
      (count(*) filter (where not in_flight))::text as compared_rows,
      coalesce(sum(row_hash) filter (where not in_flight), 0)::text as digest,
      coalesce(json_agg(${keyArray}) filter (where in_flight), '[]')::text as in_flight_keys,
      (select ${keyArray}::text from range_rows order by ${lastFirst} limit 1) as last_key
    from range_rows`;
  const summary = await inReadSnapshot(input.client, async () => {
    const result = await input.client.query<{
      row_count: string;
      compared_rows: string;
      digest: string;
      in_flight_keys: string;
      last_key: string | null;
    }>(text);
    return result.rows[0]!;
  });
  const rows = Number(summary.row_count);
  const reachedEnd = rows < input.settings.rangeRows;
  return {
    rows,
    comparedRows: Number(summary.compared_rows),
    digest: summary.digest,
    inFlightKeys: JSON.parse(summary.in_flight_keys) as string[][],
    upToKey: reachedEnd || summary.last_key === null ? undefined : (JSON.parse(summary.last_key) as string[]),
    reachedEnd,
  };
}

/**
 * Raw's rows of the same range less the keys in flight, as a digest: equal to the source's only when
 * counts and sums are; anything else is settled row by row.
 */
async function rawDigestMatches(
  input: ContentCheckInput,
  keyColumns: SourceColumn[],
  compared: SourceColumn[],
  afterKey: string[] | undefined,
  source: SourceDigest,
): Promise<boolean> {
  if (source.inFlightKeys.length > MAX_EXCLUDED_KEYS) return false;
  const raw = await input.store.rawRangeDigest({
    table: input.table,
    keyColumns,
    columns: compared,
    afterKey,
    upToKey: source.upToKey,
    excludedKeys: source.inFlightKeys,
  });
  return raw.rows === source.comparedRows && raw.digest === source.digest;
}

/** `where` of a source range: keys after `afterKey`, rows past retention left out. */
function sourceFilters(input: ContentCheckInput, keyColumns: SourceColumn[], afterKey: string[] | undefined): string {
  const keys = keyColumns.map((column) => `source_row.${quoteIdent(column.name)}`);
  const filters = [
    ...(afterKey
      ? [
          `(${keys.join(', ')}) > (${afterKey.map((value, index) => `${quoteLiteral(value)}::${keyColumns[index]!.pgType}`).join(', ')})`,
        ]
      : []),
    ...(input.expiredRows ? [`not coalesce(${input.expiredRows}, false)`] : []),
  ];
  return filters.length > 0 ? `where ${filters.join(' and ')}` : '';
}

/**
 * Source rows after `afterKey`, in key order: keys, compared columns, then whether the row is in
 * flight (see checkContent), all as text.
 */
async function readSourceRange(
  input: ContentCheckInput,
  keyColumns: SourceColumn[],
  compared: SourceColumn[],
  afterKey: string[] | undefined,
): Promise<(string | null)[][]> {
  const { table } = input;
  const keys = keyColumns.map((column) => `source_row.${quoteIdent(column.name)}`);
  const selectList = [...keyColumns, ...compared].map((column) => sourceText(column, 'source_row.'));
  const text = `select ${[...selectList, `(${inFlight(input)})::text`].join(', ')}
    from ${quotedSourceRelation(table)} as source_row ${sourceFilters(input, keyColumns, afterKey)}
    order by ${keys.join(', ')} limit ${input.settings.rangeRows}`;
  return inReadSnapshot(
    input.client,
    async () => (await input.client.query({ text, rowMode: 'array' })).rows as (string | null)[][],
  );
}

/** SQL true for a source row changed (or committed) too recently for raw to be expected to hold it. */
function inFlight(input: ContentCheckInput): string {
  const cursorType = input.columns.find((column) => column.name === input.table.cursor)?.pgType ?? 'text';
  const cursor = `source_row.${quoteIdent(input.table.cursor)}`;
  const stored = `${quoteLiteral(input.watermark.cursor)}::${cursorType}`;
  const lookback = resolveLookback(input.table, cursorType);
  const behind =
    lookback.kind === 'interval'
      ? ` or ${cursor} >= ${stored} - interval ${quoteLiteral(lookback.interval)}`
      : lookback.kind === 'count'
        ? ` or ${cursor} > ${stored} - ${lookback.count}`
        : '';
  return `${cursor} is null or ${cursor} > ${stored}${behind}`;
}

interface DifferingRow {
  key: (string | null)[];
  source: (string | null)[] | undefined;
  raw: (string | null)[] | undefined;
}

function differingRows(
  source: (string | null)[][],
  raw: (string | null)[][],
  keyCount: number,
  canonical: Canonical[],
): DifferingRow[] {
  const rawByKey = new Map(raw.map((row) => [rowKey(row.slice(0, keyCount)), row]));
  const differing: DifferingRow[] = [];
  for (const row of source) {
    const flight = row[row.length - 1] === 'true';
    const values = row.slice(0, -1);
    const rawRow = rawByKey.get(rowKey(values.slice(0, keyCount)));
    if (flight || (rawRow && rowKey(rawRow, canonical) === rowKey(values, canonical))) continue;
    differing.push({ key: values.slice(0, keyCount), source: values, raw: rawRow });
  }
  return differing;
}

function describeRange(table: IncrementalTableConfig, from: string[] | undefined, to: string[] | undefined): string {
  const key = (values: string[] | undefined, fallback: string) => (values ? values.join(', ') : fallback);
  return `keys (${table.primaryKey.join(', ')}) after ${key(from, 'the start')} up to ${key(to, 'the end')}`;
}

type Canonical = ReturnType<typeof canonicalValue>;

function mismatchMessage(
  table: IncrementalTableConfig,
  range: string,
  differing: DifferingRow[],
  keyColumns: SourceColumn[],
  cursorIndex: number,
  canonical: Canonical[],
): string {
  const shown = differing.slice(0, 3).map((row) => {
    const key = keyColumns.map((column, index) => `${column.name}=${row.key[index]}`).join(', ');
    return row.raw
      ? `${key}: source ${rowKey(row.source ?? [], canonical).slice(0, 200)} raw ${rowKey(row.raw, canonical).slice(0, 200)}`
      : `${key}: missing from raw`;
  });
  const cursors = differing
    .map((row) => row.source?.[cursorIndex])
    .filter((value): value is string => typeof value === 'string');
  const relation = sourceRelationOf(table);
  const source =
    describeTable(table) === table.name ? 'the source' : `the source (${relation.schema}.${relation.table})`;
  return (
    `Content check: raw.${table.name} differs from ${source} in ${differing.length} row(s) of ${range} (${shown.join('; ')}). ` +
    `The source changed them without moving their cursor ${table.cursor}, so no incremental load brings them back. ` +
    `Repair: rebar backfill --tables ${table.name} ${backfillWindow(cursors)} re-reads them; rebar reconcile --working --tables ${table.name} lists every difference.`
  );
}

/** The backfill window (whole days, or sequence values) holding every differing row's cursor. */
function backfillWindow(cursors: string[]): string {
  if (cursors.length > 0 && cursors.every((value) => /^-?\d+$/.test(value))) {
    const values = cursors.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `--from ${values[0]} --to ${values[values.length - 1]! + 1n}`;
  }
  const days = cursors
    .map((value) => /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0])
    .filter((day): day is string => day !== undefined)
    .sort();
  if (days.length === 0 || days.length < cursors.length) return '--from <first cursor> --to <after the last>';
  const after = new Date(`${days[days.length - 1]}T00:00:00Z`);
  after.setUTCDate(after.getUTCDate() + 1);
  return `--from ${days[0]} --to ${after.toISOString().slice(0, 10)}`;
}
