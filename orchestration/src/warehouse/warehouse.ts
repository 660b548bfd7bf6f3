import type { SourceColumn } from '../kernel/sourceColumn.js';
import type {
  CdcTableConfig,
  FullRefreshTableConfig,
  IncrementalTableConfig,
  TableConfig,
} from '../kernel/tablesConfig.js';
import type { Watermark } from '../kernel/watermark.js';
import type { RetentionCutoff } from '../retention/retentionCutoffs.js';
import type { RetentionBoundary } from '../retention/expiredRows.js';
import type { AlertsSummary } from '../runs/alertsSummary.js';
import type { PreviousBuild } from '../runs/dbtBuildScope.js';
import type { LoadDuration } from '../runs/extractStartOrder.js';
import type { RecordedNodeResult } from '../runs/publishGate.js';
import type { RunSummary } from '../runs/runSummary.js';
import type { SqlFormat } from '../sql/sqlFormat.js';
import type { RunHistory } from './bookkeeping/runHistory.js';
import type { PublishSettings } from '../kernel/publishSettings.js';

export interface LoadFileInput {
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  /** A CSV file written by COPY ... TO STDOUT (FORMAT csv), no header. */
  filePath: string;
  loadId: string;
  /**
   * Count raw.<table>'s rows after the merge (a table's last chunk, for the reconciliation); unset:
   * true. Other chunks skip it: the count reads the whole raw table, a cost that grows with the
   * warehouse, not with the chunk.
   */
  countRows?: boolean;
}

export interface LoadFileOutput {
  rowsInFile: number;
  /** Rows in raw.<table> after the merge, tombstoned ones excluded: reconciled against the source. Undefined unless counted (countRows). */
  warehouseRows: number | undefined;
  rowsWritten: number;
  /** The new watermark, committed in the same transaction as the rows; undefined when it did not move. */
  watermark: Watermark | undefined;
  /** The position of the last row in the file (where the next chunk of this run continues). */
  lastRead: Watermark | undefined;
  schemaChanges: string[];
}

/**
 * Everything Rebar does to a warehouse, writes and reads. DuckDB (local, duckdb/) and Snowflake
 * (production, snowflake/) implement it with the same shape: the same file names, one operation
 * per file, and a <target>Warehouse.ts class wiring them; createWarehouse picks one by configuration.
 */
export interface Warehouse {
  getWatermark(table: TableConfig): Promise<Watermark | undefined>;
  /** Merges (or appends) the file's rows into raw.<table> and advances the watermark, atomically. */
  /**
   * Runs `work` (one table's extraction) with the warehouse connection kept between its operations
   * where that saves work per operation (DuckDB: the file stays open across the table's chunks).
   */
  holdingOpen<T>(work: () => Promise<T>): Promise<T>;
  loadFile(input: LoadFileInput): Promise<LoadFileOutput>;
  /** Replaces raw.<table> with the file's rows in one transaction (full-refresh tables). */
  replaceTable(input: ReplaceTableInput): Promise<ReplaceTableOutput>;
  recordRun(summary: RunSummary): Promise<void>;
  /** The latest recorded result of every dbt node, with the run that left it (from the run history): what the publish gate judges. */
  latestNodeResults(): Promise<RecordedNodeResult[]>;
  /** The last successful nightly build's dbt project fingerprint and whether the newest run failed: what the next nightly's dbt scope depends on. */
  previousBuild(): Promise<PreviousBuild>;
  /** When the last hard-delete key pass for this table finished; undefined if never. */
  lastKeyCheck(table: TableConfig): Promise<Date | undefined>;
  /**
   * Tombstones (sets _rebar_deleted_at on) raw rows whose primary key is not in the file of all
   * source keys, and records the pass. Idempotent.
   */
  tombstoneMissingKeys(input: TombstoneInput): Promise<TombstoneOutput>;
  /**
   * Makes what readers may see of the warehouse as it is now (the published schemas, run history)
   * the version readers see, atomically: readers never see a half-built or untested version.
   */
  publish(input: PublishInput): Promise<PublishOutput>;
  /**
   * How far raw.<table> has been pruned, per category (the latest cutoff applied): rows older than
   * that are not loaded again, and not expected in raw when reconciling with the source.
   */
  retentionBoundaries(table: IncrementalTableConfig): Promise<RetentionBoundary[]>;
  /**
   * Deletes raw rows past their category's cutoff and records, per category, the rows deleted and
   * the cutoff, all in one transaction. Idempotent: a repeat deletes nothing more.
   */
  pruneExpiredRows(input: PruneExpiredRowsInput): Promise<PruneExpiredRowsOutput>;
  /** The open alerts in the alerts mart (counts by type and the first few messages), or why there are none to read. */
  readAlerts(input: ReadAlertsInput): Promise<ReadAlertsOutput>;
  /**
   * Forgets the table's watermark, and unless keepRows its raw rows and last key pass, in one
   * transaction: the next run reads the table from the start (`rebar reset`).
   */
  resetTable(input: ResetTableInput): Promise<ResetTableOutput>;
  /** Columns that appeared in raw.<table> after it held rows, whose values are still being re-read from the source. */
  pendingColumnRereads(table: TableConfig): Promise<ColumnReread[]>;
  /** Sets one column of existing raw rows from the file's (key, value) rows and records the re-read's position, atomically. */
  rereadColumn(input: RereadColumnInput): Promise<RereadColumnOutput>;
  /** The last `limit` runs, each table's last load and its latest source freshness (`rebar status`); read-only. */
  runHistory(limit: number): Promise<RunHistoryOutput>;
  /** How long each table's newest successful load took (planLoad starts the longest first); tables never loaded are absent. */
  lastLoadDurations(): Promise<LoadDuration[]>;
  /** One ad-hoc query on what readers see (the published warehouse), never writing it (`rebar sql`). */
  readOnlyQuery(input: ReadOnlyQueryInput): Promise<ReadOnlyQueryOutput>;
  /** The nightly content check's side in this warehouse; undefined where it is not built yet (Snowflake, see docs/snowflake.md). */
  readonly contentChecks: ContentCheckStore | undefined;
  /**
   * Starts loading one incremental table's whole run as one unit (Snowflake: files PUT as they come,
   * then one COPY and one MERGE); undefined where each chunk merges on its own (DuckDB, where a
   * chunk's merge is cheap and an interrupted run resumes after the last committed chunk).
   */
  readonly startBulkLoad: ((input: BulkLoadInput) => Promise<BulkLoad>) | undefined;
  /**
   * Starts a hard-delete key pass whose keys arrive file by file as they are read (Snowflake: staged
   * as they come, one COPY, one UPDATE); undefined where tombstoneMissingKeys takes them in one file.
   */
  readonly startKeyPass: ((input: KeyPassInput) => Promise<KeyPass>) | undefined;
  /**
   * Brings one cdc table's raw rows up to a position in the source's write-ahead log, with that
   * position, in one transaction (see cdc/captureChanges.ts); undefined where mode cdc is not built
   * yet (Snowflake, see docs/cdc.md).
   */
  readonly applyChanges: ((input: ApplyChangesInput) => Promise<ApplyChangesOutput>) | undefined;
}

export interface ApplyChangesInput {
  table: CdcTableConfig;
  columns: SourceColumn[];
  /** The source's current rows (CSV as for loadFile) for the keys the log named, or the whole table. */
  rowsFilePath: string;
  /** The keys the log named (CSV, primary-key columns): those with no row in rowsFilePath are gone from the source. */
  keysFilePath: string;
  /** rowsFilePath holds the whole table (an initial copy): raw rows whose key it lacks are tombstoned. */
  wholeTable: boolean;
  /** The log position (an LSN) raw holds every change of this table up to, once this commits. */
  position: string;
  loadId: string;
}

export interface ApplyChangesOutput {
  rowsInFile: number;
  /** Rows inserted or rewritten (rows raw already held unchanged are not). */
  rowsWritten: number;
  rowsTombstoned: number;
  /** Rows in raw.<table> after the change, tombstoned ones excluded. */
  warehouseRows: number;
  schemaChanges: string[];
}

export interface KeyPassInput {
  table: TableConfig;
  /** The primary-key columns, with their source types. */
  keyColumns: SourceColumn[];
  loadId: string;
}

/** One key pass fed in files: tombstoneMissingKeys over every key added, once finished. */
export interface KeyPass {
  /** Takes one file of source keys (CSV, no header); the file may be reused once this resolves. */
  add(filePath: string): Promise<void>;
  /** Tombstones raw rows whose key was in no added file, and records the pass, in one transaction. */
  finish(): Promise<TombstoneOutput>;
  /** Drops whatever was staged (after a failure); raw is untouched. */
  abandon(): Promise<void>;
}

export interface BulkLoadInput {
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  loadId: string;
}

/** One table's run loaded as a unit: nothing reaches raw, nor moves the watermark, before finish. */
export interface BulkLoad {
  /** Schema changes made to raw.<table> before the load (added columns), as loadFile reports them. */
  readonly schemaChanges: string[];
  /** Takes one extracted file's rows (a CSV as for loadFile); the file may be reused once this resolves. */
  add(filePath: string): Promise<void>;
  /** Waits until every added row is on the warehouse's stage; returns how many files hold them. */
  stage(): Promise<number>;
  /** Every added row into raw.<table> (staging what is not yet), the latest version per key, with the watermark, in one transaction. */
  finish(options: { countRows: boolean }): Promise<LoadFileOutput>;
  /** Drops whatever was staged and not loaded (after a failure); raw and the watermark are untouched. */
  abandon(): Promise<void>;
}

export interface ResetTableInput {
  table: TableConfig;
  /** Only the watermark: raw keeps its rows, and the next run's re-read merges into them. */
  keepRows: boolean;
}

export interface ResetTableOutput {
  /** False when the table had no watermark (never loaded incrementally, or already reset). */
  hadWatermark: boolean;
  /** Raw rows deleted (0 with keepRows, or when raw.<table> does not exist). */
  rowsDeleted: number;
}

export interface ContentCheckStore {
  /** Where the table's rotating content check continues (the last key compared); undefined at the start. */
  position(table: TableConfig): Promise<string[] | undefined>;
  /**
   * Raw rows (not tombstoned) with key after `afterKey` and at most `upToKey`, in key order, as
   * normalised text: the key columns, then `columns` (see reconcile/rowText.ts).
   */
  rawRowsAsText(input: RawRowsAsTextInput): Promise<(string | null)[][]>;
  /**
   * The same raw rows as rawRowsAsText, less `excludedKeys`, as one digest (reconcile/rangeDigest.ts):
   * how many, and the sum of each row's hash. Equal to the source range's digest when every row's
   * text is: the range is then equal without either side's rows leaving its database.
   */
  rawRangeDigest(input: RawRangeDigestInput): Promise<RangeDigest>;
  /** Records one compared key range in _rebar.content_checks and, when `nextAfterKey` is given, moves the rotation there. */
  record(input: ContentCheckRecord): Promise<void>;
}

export interface ColumnReread {
  column: string;
  renamedFrom: string | undefined;
  /** The last primary key re-read and committed; undefined before the first chunk. */
  afterKey: string[] | undefined;
  rowsRead: number;
  rowsChanged: number;
}

export interface RereadColumnInput {
  table: TableConfig;
  keyColumns: SourceColumn[];
  column: SourceColumn;
  /** CSV (no header): the key columns, then the column's value. */
  filePath: string;
  /** The file's last key: where the next chunk starts. */
  lastKey: string[] | undefined;
  /** The file is the last chunk: the re-read is done. */
  finished: boolean;
  loadId: string;
}

export interface RereadColumnOutput {
  rowsRead: number;
  rowsChanged: number;
}

export interface RawRowsAsTextInput {
  table: TableConfig;
  keyColumns: SourceColumn[];
  columns: SourceColumn[];
  afterKey: string[] | undefined;
  /** Inclusive; undefined: to the end of the table. */
  upToKey: string[] | undefined;
}

export interface RawRangeDigestInput extends RawRowsAsTextInput {
  /** Keys (as text, in key-column order) left out: source rows in flight, not compared. */
  excludedKeys: string[][];
}

export interface RangeDigest {
  rows: number;
  /** The sum of the rows' hashes, as decimal text. */
  digest: string;
}

export interface ContentCheckRecord {
  table: TableConfig;
  loadId: string;
  fromKey: string[] | undefined;
  toKey: string[] | undefined;
  rowsCompared: number;
  result: 'equal' | 'different';
  detail: string | undefined;
  /** Where the next check starts: the last key compared, null to start over, undefined to stay (a difference is checked again). */
  nextAfterKey: string[] | null | undefined;
}

export interface PruneExpiredRowsInput {
  table: IncrementalTableConfig;
  /** One per category of the policy; categories not listed are kept. */
  cutoffs: RetentionCutoff[];
  loadId: string;
}

export interface PruneExpiredRowsOutput {
  /** Per category: rows this load id has pruned (a retried attempt adds to its earlier attempt's count). */
  pruned: { category: string; cutoff: string; rowsPruned: number }[];
  /** False when raw.<table> does not exist yet (nothing was pruned or recorded). */
  tableExists: boolean;
}

export interface ReadAlertsInput {
  /** How many alerts to list by message; the rest are only counted. */
  limit: number;
}

export type ReadAlertsOutput = AlertsSummary;

export interface PublishInput {
  /** The run publishing: refused unless the working warehouse's last recorded run is this one, a success. */
  runId: string;
  settings: PublishSettings;
}

export interface PublishOutput {
  /** Where readers find the published version (a file path for DuckDB). */
  location: string;
  bytes: number;
}

export interface TombstoneInput {
  table: TableConfig;
  /** The primary-key columns, with their source types. */
  keyColumns: SourceColumn[];
  /** Every primary key the source holds, as CSV (no header). */
  keysFilePath: string;
  loadId: string;
}

export interface TombstoneOutput {
  keysSeen: number;
  tombstoned: number;
}

export interface ReplaceTableInput {
  table: FullRefreshTableConfig;
  columns: SourceColumn[];
  filePath: string;
  loadId: string;
}

export interface ReplaceTableOutput {
  rowsWritten: number;
  warehouseRows: number;
  schemaChanges: string[];
}

export interface RunHistoryOutput {
  history: RunHistory;
  /** Where it was read, for the reader (e.g. which file). */
  from: string;
}

export interface ReadOnlyQueryInput {
  sql: string;
  format: SqlFormat;
  /** Write the result to this file (required for parquet) instead of returning its rows. */
  outputPath?: string;
}

export interface ReadOnlyQueryOutput {
  columns: string[];
  rows: Record<string, unknown>[];
  /** Each row as a JSON object, numbers written with every digit the warehouse holds (see sql/exactJson.ts). */
  jsonRows: string[];
  /** Set when the result went to a file. */
  writtenTo?: string;
}
