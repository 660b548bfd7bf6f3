import type { SnowflakeSettings } from '../../config/config.js';
import type { IncrementalTableConfig, TableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import type { RetentionBoundary } from '../../retention/expiredRows.js';
import type { PreviousBuild } from '../../runs/dbtBuildScope.js';
import type { RecordedNodeResult } from '../../runs/publishGate.js';
import type { RunSummary } from '../../runs/runSummary.js';
import type {
  BulkLoad,
  BulkLoadInput,
  ColumnReread,
  KeyPass,
  KeyPassInput,
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
import type { LoadDuration } from '../../runs/extractStartOrder.js';
import { readLastLoadDurations } from '../bookkeeping/lastLoadDurations.js';
import { previousBuild } from '../previousBuild.js';
import { lowerCaseKeys, recordedNodeResults } from '../recordedNodeResults.js';
import { snowflakeBookkeeping } from './bookkeeping.js';
import { startBulkLoad } from './bulkLoad.js';
import { startKeyPass } from './keyPass.js';
import { pendingColumnRereads, rereadColumn } from './columnRereads.js';
import { contentChecks } from './contentChecks.js';
import { lastKeyCheck } from './keyChecks.js';
import { mergeFile } from './mergeFile.js';
import { ensureMetadataTables, METADATA_SCHEMA } from './metadataTables.js';
import { pruneExpiredRows } from './pruneExpiredRows.js';
import { publishSchema } from './publish.js';
import { readAlerts } from './readAlerts.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { runHistory } from './runHistory.js';
import { recordRun } from './recordRun.js';
import { replaceTable } from './replaceTable.js';
import { resetTable } from './resetTable.js';
import { readRetentionBoundaries } from './retentionBoundaries.js';
import { withSnowflake, type SnowflakeSession } from './connection.js';
import { tombstoneMissingKeys } from './tombstoneMissingKeys.js';
import { readWatermark } from './watermarks.js';

/** The schema the loader writes (unquoted, so RAW): the one dbt's sources read (models/staging/.../_rebar_source__sources.yml). */
const RAW_SCHEMA = 'raw';

/**
 * The Snowflake warehouse: loads extracted CSV files into Snowflake's RAW schema: one row per primary key, latest version
 * wins; the same shape as the DuckDB loader. Each operation opens its own session (so parallel
 * table loads do not share one), stages its file through the named stage _rebar.rebar_stage, and
 * commits the rows with the watermark in one transaction.
 */
export class SnowflakeWarehouse implements Warehouse {
  private metadataReady: Promise<void> | undefined;

  /** @param settings how to connect; the credentials in it never leave the driver (see snowflakeConnection.ts). */
  constructor(private readonly settings: SnowflakeSettings) {}

  /** A session with the RAW and _rebar schemas in place (created once per loader). */
  private session<T>(work: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    return withSnowflake(this.settings, RAW_SCHEMA, async (session) => {
      this.metadataReady ??= (async () => {
        await session.execute(`create schema if not exists ${RAW_SCHEMA}`);
        await ensureMetadataTables(session);
      })();
      try {
        await this.metadataReady;
      } catch (error) {
        this.metadataReady = undefined;
        throw error;
      }
      return work(session);
    });
  }

  /** Each operation has its own session here; an incremental table's run loads as one bulk load (startBulkLoad). */
  holdingOpen<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** Files PUT in parallel as they are extracted, then one COPY and one MERGE per table per run (bulkLoad.ts). */
  readonly startBulkLoad = (input: BulkLoadInput): Promise<BulkLoad> =>
    startBulkLoad((work) => this.session(work), RAW_SCHEMA, input, this.settings.fileBytes);

  /** Source keys staged file by file as they are read, then one COPY and one UPDATE (keyPass.ts). */
  readonly startKeyPass = (input: KeyPassInput): Promise<KeyPass> =>
    startKeyPass((work) => this.session(work), RAW_SCHEMA, input, this.settings.fileBytes);

  /** Mode cdc loads into DuckDB only so far (docs/cdc.md); captureChanges refuses such tables here. */
  readonly applyChanges = undefined;

  getWatermark(table: TableConfig): Promise<Watermark | undefined> {
    return this.session((session) => readWatermark(session, table));
  }

  resetTable(input: ResetTableInput): Promise<ResetTableOutput> {
    return this.session((session) => resetTable(session, RAW_SCHEMA, input));
  }

  loadFile(input: LoadFileInput): Promise<LoadFileOutput> {
    return this.session((session) => mergeFile(session, RAW_SCHEMA, input));
  }

  replaceTable(input: ReplaceTableInput): Promise<ReplaceTableOutput> {
    return this.session((session) => replaceTable(session, RAW_SCHEMA, input));
  }

  latestNodeResults(): Promise<RecordedNodeResult[]> {
    return this.session((session) =>
      recordedNodeResults(async (sql) => (await session.query(sql)).map(lowerCaseKeys), METADATA_SCHEMA),
    );
  }

  previousBuild(): Promise<PreviousBuild> {
    return this.session((session) =>
      previousBuild(async (sql) => (await session.query(sql)).map(lowerCaseKeys), METADATA_SCHEMA),
    );
  }

  recordRun(summary: RunSummary): Promise<void> {
    return this.session((session) => recordRun(session, summary));
  }

  lastKeyCheck(table: TableConfig): Promise<Date | undefined> {
    return this.session((session) => lastKeyCheck(session, table));
  }

  tombstoneMissingKeys(input: TombstoneInput): Promise<TombstoneOutput> {
    return this.session((session) => tombstoneMissingKeys(session, RAW_SCHEMA, input));
  }

  /** MARTS and the run history only, whatever rebar.yml's publish: says (that section is the DuckDB file's); not bound to a run yet. */
  publish(_input: PublishInput): Promise<PublishOutput> {
    return this.session((session) => publishSchema(session, this.settings.database, this.settings.readerRole));
  }

  retentionBoundaries(table: IncrementalTableConfig): Promise<RetentionBoundary[]> {
    return this.session((session) => readRetentionBoundaries(session, table.name));
  }

  pruneExpiredRows(input: PruneExpiredRowsInput): Promise<PruneExpiredRowsOutput> {
    return this.session((session) => pruneExpiredRows(session, RAW_SCHEMA, input));
  }

  pendingColumnRereads(table: TableConfig): Promise<ColumnReread[]> {
    return this.session((session) => pendingColumnRereads(session, table));
  }

  rereadColumn(input: RereadColumnInput): Promise<RereadColumnOutput> {
    return this.session((session) => rereadColumn(session, RAW_SCHEMA, input));
  }

  /** Not built for Snowflake yet (see contentChecks.ts). */
  readonly contentChecks = contentChecks;

  /** Reads MARTS (what the run that just built it reports), not the published copy. */
  readAlerts(input: ReadAlertsInput): Promise<ReadAlertsOutput> {
    return this.session((session) => readAlerts(session, input.limit));
  }

  lastLoadDurations(): Promise<LoadDuration[]> {
    return this.session((session) => readLastLoadDurations(snowflakeBookkeeping(session)));
  }

  runHistory(limit: number): Promise<RunHistoryOutput> {
    return this.session((session) => runHistory(session, this.settings.database, limit));
  }

  /** Reads PUBLISHED in its own session (no bookkeeping needed, nothing created). */
  readOnlyQuery(input: ReadOnlyQueryInput): Promise<ReadOnlyQueryOutput> {
    return readOnlyQuery(this.settings, input);
  }
}
