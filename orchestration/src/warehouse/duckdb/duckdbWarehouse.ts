import type { DuckDBConnection } from '@duckdb/node-api';
import type { IncrementalTableConfig, TableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import type { RetentionBoundary } from '../../retention/expiredRows.js';
import type { PreviousBuild } from '../../runs/dbtBuildScope.js';
import type { RecordedNodeResult } from '../../runs/publishGate.js';
import type { RunSummary } from '../../runs/runSummary.js';
import type { LoadDuration } from '../../runs/extractStartOrder.js';
import { readLastLoadDurations } from '../bookkeeping/lastLoadDurations.js';
import { previousBuild } from '../previousBuild.js';
import { lowerCaseKeys, recordedNodeResults } from '../recordedNodeResults.js';
import type {
  ApplyChangesInput,
  ApplyChangesOutput,
  ColumnReread,
  ContentCheckRecord,
  ContentCheckStore,
  RawRowsAsTextInput,
  RawRangeDigestInput,
  RereadColumnInput,
  RereadColumnOutput,
  LoadFileInput,
  LoadFileOutput,
  Warehouse,
  PruneExpiredRowsInput,
  PruneExpiredRowsOutput,
  PublishInput,
  PublishOutput,
  ReadAlertsInput,
  ReadAlertsOutput,
  ReplaceTableInput,
  ReplaceTableOutput,
  ResetTableInput,
  ResetTableOutput,
  TombstoneInput,
  TombstoneOutput,
  RunHistoryOutput,
  ReadOnlyQueryInput,
  ReadOnlyQueryOutput,
} from '../warehouse.js';
import { duckdbBookkeeping } from './bookkeeping.js';
import { pendingColumnRereads, rereadColumn } from './columnRereads.js';
import { type DuckDbSettings, holdingOpen, inTransaction, withDuckDb } from './connection.js';
import { contentCheckPosition, rawRangeDigest, rawRowsAsText, recordContentCheck } from './contentChecks.js';
import { lastKeyCheck } from './keyChecks.js';
import { mergeFile } from './mergeFile.js';
import { ensureMetadataTables } from './metadataTables.js';
import { pruneExpiredRows } from './pruneExpiredRows.js';
import { publishDuckDbFile } from './publish.js';
import { readAlerts } from './readAlerts.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { runHistory } from './runHistory.js';
import { recordRun } from './recordRun.js';
import { replaceTable } from './replaceTable.js';
import { applyChanges } from './applyChanges.js';
import { resetTable } from './resetTable.js';
import { readRetentionBoundaries } from './retentionBoundaries.js';
import { tombstoneMissingKeys } from './tombstoneMissingKeys.js';
import { readWatermark } from './watermarks.js';

const rawSchema = 'raw';

/**
 * The DuckDB warehouse: raw, _rebar and the marts in one local file, published as a second file.
 * Each operation lives in its own file in this folder; this class opens the file for it (see
 * connection.ts: one process writes at a time, operations queued back to back share one open
 * instance, and dbt opens the file once nothing is queued).
 */
export class DuckDbWarehouse implements Warehouse {
  /**
   * @param warehousePath the working file: the warehouse and dbt write it.
   * @param publishedPath the file readers (Metabase, analysts) open read-only; rebuilt and replaced whole on publish.
   */
  constructor(
    private readonly warehousePath: string,
    private readonly publishedPath: string,
    private readonly settings: DuckDbSettings = {},
  ) {}

  /** The working file with the _rebar tables in place (ensured once per opened instance, see connection.ts). */
  private open<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return withDuckDb(this.warehousePath, work, ensureMetadataTables, this.settings);
  }

  holdingOpen<T>(work: () => Promise<T>): Promise<T> {
    return holdingOpen(this.warehousePath, work);
  }

  getWatermark(table: TableConfig): Promise<Watermark | undefined> {
    return this.open((connection) => readWatermark(connection, table));
  }

  loadFile(input: LoadFileInput): Promise<LoadFileOutput> {
    return this.open(async (connection) => {
      await connection.run(`create schema if not exists ${rawSchema}`);
      return inTransaction(connection, () => mergeFile(connection, rawSchema, input));
    });
  }

  replaceTable(input: ReplaceTableInput): Promise<ReplaceTableOutput> {
    return this.open(async (connection) => {
      await connection.run(`create schema if not exists ${rawSchema}`);
      return inTransaction(connection, () => replaceTable(connection, rawSchema, input));
    });
  }

  lastKeyCheck(table: TableConfig): Promise<Date | undefined> {
    return this.open((connection) => lastKeyCheck(connection, table));
  }

  tombstoneMissingKeys(input: TombstoneInput): Promise<TombstoneOutput> {
    return this.open((connection) =>
      inTransaction(connection, () => tombstoneMissingKeys(connection, rawSchema, input)),
    );
  }

  publish(input: PublishInput): Promise<PublishOutput> {
    return publishDuckDbFile({ ...input, warehousePath: this.warehousePath, publishedPath: this.publishedPath });
  }

  retentionBoundaries(table: IncrementalTableConfig): Promise<RetentionBoundary[]> {
    return this.open((connection) => readRetentionBoundaries(connection, table.name));
  }

  pruneExpiredRows(input: PruneExpiredRowsInput): Promise<PruneExpiredRowsOutput> {
    return this.open((connection) => pruneExpiredRows(connection, rawSchema, input));
  }

  /** Reads the working warehouse: the run that just built the marts is the one reporting them. */
  readAlerts(input: ReadAlertsInput): Promise<ReadAlertsOutput> {
    return withDuckDb(this.warehousePath, (connection) => readAlerts(connection, input.limit));
  }

  resetTable(input: ResetTableInput): Promise<ResetTableOutput> {
    return this.open((connection) => inTransaction(connection, () => resetTable(connection, rawSchema, input)));
  }

  pendingColumnRereads(table: TableConfig): Promise<ColumnReread[]> {
    return this.open((connection) => pendingColumnRereads(connection, table));
  }

  rereadColumn(input: RereadColumnInput): Promise<RereadColumnOutput> {
    return this.open((connection) => inTransaction(connection, () => rereadColumn(connection, rawSchema, input)));
  }

  /** Each chunk merges and commits on its own here (cheap in DuckDB; a crash resumes after the last chunk). */
  readonly startBulkLoad = undefined;

  /** A key pass reads its one local file of keys (tombstoneMissingKeys). */
  readonly startKeyPass = undefined;

  readonly applyChanges = (input: ApplyChangesInput): Promise<ApplyChangesOutput> =>
    this.open(async (connection) => {
      await connection.run(`create schema if not exists ${rawSchema}`);
      return inTransaction(connection, () => applyChanges(connection, rawSchema, input));
    });

  readonly contentChecks: ContentCheckStore = {
    position: (table: TableConfig) => this.open((connection) => contentCheckPosition(connection, table)),
    rawRowsAsText: (input: RawRowsAsTextInput) =>
      withDuckDb(
        this.warehousePath,
        (connection) => rawRowsAsText(connection, rawSchema, input),
        undefined,
        this.settings,
      ),
    rawRangeDigest: (input: RawRangeDigestInput) =>
      withDuckDb(
        this.warehousePath,
        (connection) => rawRangeDigest(connection, rawSchema, input),
        undefined,
        this.settings,
      ),
    record: (input: ContentCheckRecord) =>
      this.open((connection) => inTransaction(connection, () => recordContentCheck(connection, input))),
  };

  latestNodeResults(): Promise<RecordedNodeResult[]> {
    return this.open((connection) =>
      recordedNodeResults(
        async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map(lowerCaseKeys),
        '_rebar',
      ),
    );
  }

  previousBuild(): Promise<PreviousBuild> {
    return this.open((connection) =>
      previousBuild(
        async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map(lowerCaseKeys),
        '_rebar',
      ),
    );
  }

  recordRun(summary: RunSummary): Promise<void> {
    return this.open((connection) => inTransaction(connection, () => recordRun(connection, summary)));
  }

  lastLoadDurations(): Promise<LoadDuration[]> {
    return this.open((connection) => readLastLoadDurations(duckdbBookkeeping(connection)));
  }

  /** Read-only, never waiting for a load: the working file, or the published one while a load holds it. */
  runHistory(limit: number): Promise<RunHistoryOutput> {
    return runHistory(this.warehousePath, this.publishedPath, limit);
  }

  readOnlyQuery(input: ReadOnlyQueryInput): Promise<ReadOnlyQueryOutput> {
    return readOnlyQuery(this.publishedPath, input);
  }
}
