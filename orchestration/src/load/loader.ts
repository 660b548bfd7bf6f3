import type { SourceColumn } from '../extract/sourceColumns.js';
import type { FullRefreshTableConfig, IncrementalTableConfig, TableConfig } from '../extract/tablesConfig.js';
import type { Watermark } from '../extract/watermark.js';
import type { RetentionCutoff } from '../retention/retentionCutoffs.js';
import type { RetentionBoundary } from '../retention/expiredRows.js';
import type { AlertsSummary } from '../runs/alertsSummary.js';
import type { RecordedNodeResult } from '../runs/publishGate.js';
import type { RunSummary } from '../runs/runSummary.js';

export interface LoadFileInput {
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  /** A CSV file written by COPY ... TO STDOUT (FORMAT csv), no header. */
  filePath: string;
  loadId: string;
}

export interface LoadFileOutput {
  rowsInFile: number;
  /** Rows in raw.<table> after the merge, soft-deleted ones included: reconciled against the source. */
  warehouseRows: number;
  rowsWritten: number;
  /** The new watermark, committed in the same transaction as the rows; undefined when it did not move. */
  watermark: Watermark | undefined;
  /** The position of the last row in the file (where the next chunk of this run continues). */
  lastRead: Watermark | undefined;
  schemaChanges: string[];
}

/**
 * The warehouse side of a load. DuckDB (local) and Snowflake (production) implement it with the
 * same shape; the target is chosen by configuration.
 */
export interface Loader {
  getWatermark(table: TableConfig): Promise<Watermark | undefined>;
  /** Merges (or appends) the file's rows into raw.<table> and advances the watermark, atomically. */
  loadFile(input: LoadFileInput): Promise<LoadFileOutput>;
  /** Replaces raw.<table> with the file's rows in one transaction (full-refresh tables). */
  replaceTable(input: ReplaceTableInput): Promise<ReplaceTableOutput>;
  recordRun(summary: RunSummary): Promise<void>;
  /** The latest recorded result of every dbt node, with the run that left it (from the run history): what the publish gate judges. */
  latestNodeResults(): Promise<RecordedNodeResult[]>;
  /** When the last hard-delete key pass for this table finished; undefined if never. */
  lastKeyCheck(table: TableConfig): Promise<Date | undefined>;
  /**
   * Tombstones (sets _rebar_deleted_at on) raw rows whose primary key is not in the file of all
   * source keys, and records the pass. Idempotent.
   */
  tombstoneMissingKeys(input: TombstoneInput): Promise<TombstoneOutput>;
  /**
   * Makes the warehouse as it is now (raw, marts, run history) the version readers see, atomically:
   * readers never see a half-built or untested version.
   */
  publish(): Promise<PublishOutput>;
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
