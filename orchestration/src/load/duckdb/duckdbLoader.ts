import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../extract/sourceColumns.js';
import { quoteIdent, quoteLiteral } from '../../extract/sqlIdentifiers.js';
import type { IncrementalTableConfig, TableConfig } from '../../extract/tablesConfig.js';
import { duckdbTypeFor, stageTypeFor } from '../../extract/typeMapping.js';
import type { Watermark } from '../../extract/watermark.js';
import type { RetentionBoundary } from '../../retention/expiredRows.js';
import type { PreviousBuild } from '../../runs/dbtBuildScope.js';
import type { RecordedNodeResult } from '../../runs/publishGate.js';
import type { RunSummary } from '../../runs/runSummary.js';
import type {
  ColumnReread, ContentCheckRecord, ContentCheckStore, RawRowsAsTextInput, RereadColumnInput, RereadColumnOutput,
  LoadFileInput, LoadFileOutput, Loader, PruneExpiredRowsInput, PruneExpiredRowsOutput, PublishInput, PublishOutput, ReadAlertsInput, ReadAlertsOutput,
  ReplaceTableInput, ReplaceTableOutput, ResetTableInput, ResetTableOutput, TombstoneInput, TombstoneOutput,
} from '../loader.js';
import { inTransaction, withDuckDb } from './exclusiveDatabase.js';
import { publishDuckDbFile } from './publishFile.js';
import { alignRawTable } from './alignRawTable.js';
import { stageFile } from './stageFile.js';
import { pendingColumnRereads, rereadColumn } from './columnRereads.js';
import { contentCheckPosition, rawRowsAsText, recordContentCheck } from './contentChecks.js';
import { ensureMetadataTables } from './metadataTables.js';
import { pruneExpiredRows } from './pruneExpiredRows.js';
import { readAlerts } from './readAlerts.js';
import { dropStagedRowsPastRetention, readRetentionBoundaries } from './retentionBoundaries.js';
import { RUN_HISTORY_TABLES, runHistoryRows } from '../runHistoryRows.js';
import { previousBuild } from '../previousBuild.js';
import { lowerCaseKeys, recordedNodeResults } from '../recordedNodeResults.js';
import { storedWatermark } from '../storedWatermark.js';

const rawSchema = 'raw';

/** Loads extracted CSV files into DuckDB's raw schema: one row per primary key, latest version wins. */
export class DuckDbLoader implements Loader {
  /**
   * @param warehousePath the working file: the loader and dbt write it.
   * @param publishedPath the file readers (Metabase, analysts) open read-only; rebuilt and replaced whole on publish.
   */
  constructor(
    private readonly warehousePath: string,
    private readonly publishedPath: string,
  ) {}

  async replaceTable(input: ReplaceTableInput): Promise<ReplaceTableOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      await connection.run(`create schema if not exists ${rawSchema}`);
      return inTransaction(connection, async () => {
        const target = `${rawSchema}.${quoteIdent(input.table.name)}`;
        const stage = quoteIdent(`_rebar_stage_${input.table.name}`);
        const schemaChanges = await alignRawTable(connection, rawSchema, input.table, input.columns, input.loadId);
        await stageFile(connection, stage, input.columns, input.filePath);
        await connection.run(`delete from ${target}`);
        const inserted = await connection.run(`insert into ${target} by name select *, ${quoteLiteral(input.loadId)} as _rebar_load_id, current_timestamp as _rebar_loaded_at from ${stage}`);
        await connection.run(`drop table ${stage}`);
        return { rowsWritten: Number(inserted.rowsChanged), warehouseRows: Number(inserted.rowsChanged), schemaChanges };
      });
    });
  }

  async lastKeyCheck(table: TableConfig): Promise<Date | undefined> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      const row = (await connection.runAndReadAll('select epoch_ms(checked_at) as at from _rebar.key_checks where table_name = $1', [table.name])).getRowsJS()[0];
      return row ? new Date(Number(row[0])) : undefined;
    });
  }

  async tombstoneMissingKeys(input: TombstoneInput): Promise<TombstoneOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      const target = `${rawSchema}.${quoteIdent(input.table.name)}`;
      const keyTypes = input.keyColumns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(stageTypeFor(column.pgType))}`).join(', ');
      return inTransaction(connection, async () => {
        await connection.run(
          `create or replace temp table _rebar_source_keys as select * from read_csv(${quoteLiteral(input.keysFilePath)}, columns = {${keyTypes}},
             header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false)`,
        );
        const keysSeen = Number((await connection.runAndReadAll('select count(*) from _rebar_source_keys')).getRowsJS()[0]?.[0] ?? 0);
        const match = input.keyColumns.map((column) => `_rebar_source_keys.${quoteIdent(column.name)} = ${target}.${quoteIdent(column.name)}`).join(' and ');
        const marked = await connection.run(
          // _rebar_loaded_at moves too: incremental models rebuild what was loaded after their mark.
          `update ${target} set _rebar_deleted_at = current_timestamp, _rebar_loaded_at = current_timestamp
           where _rebar_deleted_at is null and not exists (select 1 from _rebar_source_keys where ${match})`,
        );
        await connection.run('insert or replace into _rebar.key_checks values ($1, current_timestamp, $2, $3, $4)', [input.table.name, keysSeen, Number(marked.rowsChanged), input.loadId]);
        await connection.run('drop table _rebar_source_keys');
        return { keysSeen, tombstoned: Number(marked.rowsChanged) };
      });
    });
  }

  publish(input: PublishInput): Promise<PublishOutput> {
    return publishDuckDbFile({ ...input, warehousePath: this.warehousePath, publishedPath: this.publishedPath });
  }

  async retentionBoundaries(table: IncrementalTableConfig): Promise<RetentionBoundary[]> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return readRetentionBoundaries(connection, table.name);
    });
  }

  async pruneExpiredRows(input: PruneExpiredRowsInput): Promise<PruneExpiredRowsOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return pruneExpiredRows(connection, rawSchema, input);
    });
  }

  /** Reads the working warehouse: the run that just built the marts is the one reporting them. */
  async readAlerts(input: ReadAlertsInput): Promise<ReadAlertsOutput> {
    return withDuckDb(this.warehousePath, (connection) => readAlerts(connection, input.limit));
  }

  async resetTable(input: ResetTableInput): Promise<ResetTableOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return inTransaction(connection, async () => {
        const name = input.table.name;
        const forgotten = await connection.run('delete from _rebar.watermarks where table_name = $1', [name]);
        if (input.keepRows) return { hadWatermark: Number(forgotten.rowsChanged) > 0, rowsDeleted: 0 };
        await connection.run('delete from _rebar.key_checks where table_name = $1', [name]);
        // The table is read again whole: no column is left to re-read and the content check starts over.
        await connection.run('delete from _rebar.column_rereads where table_name = $1', [name]);
        await connection.run('delete from _rebar.content_check_positions where table_name = $1', [name]);
        const exists = (await connection.runAndReadAll('select count(*) from information_schema.tables where table_schema = $1 and table_name = $2', [rawSchema, name])).getRowsJS()[0]?.[0];
        // Emptied, not dropped: models over it still build if the next run stops before loading it.
        const deleted = Number(exists) > 0 ? Number((await connection.run(`delete from ${rawSchema}.${quoteIdent(name)}`)).rowsChanged) : 0;
        return { hadWatermark: Number(forgotten.rowsChanged) > 0, rowsDeleted: deleted };
      });
    });
  }

  async pendingColumnRereads(table: TableConfig): Promise<ColumnReread[]> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return pendingColumnRereads(connection, table);
    });
  }

  async rereadColumn(input: RereadColumnInput): Promise<RereadColumnOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return inTransaction(connection, () => rereadColumn(connection, rawSchema, input));
    });
  }

  readonly contentChecks: ContentCheckStore = {
    position: (table: TableConfig) => withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return contentCheckPosition(connection, table);
    }),
    rawRowsAsText: (input: RawRowsAsTextInput) => withDuckDb(this.warehousePath, (connection) => rawRowsAsText(connection, rawSchema, input)),
    record: (input: ContentCheckRecord) => withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      await inTransaction(connection, () => recordContentCheck(connection, input));
    }),
  };

  async getWatermark(table: TableConfig): Promise<Watermark | undefined> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      const result = await connection.runAndReadAll('select cursor_value, primary_key_values from _rebar.watermarks where table_name = $1', [table.name]);
      const row = result.getRowObjectsJS()[0];
      if (!row) return undefined;
      return storedWatermark(table.name, row.cursor_value, row.primary_key_values);
    });
  }

  async loadFile(input: LoadFileInput): Promise<LoadFileOutput> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      await connection.run(`create schema if not exists ${rawSchema}`);
      return inTransaction(connection, () => mergeFile(connection, input));
    });
  }

  async latestNodeResults(): Promise<RecordedNodeResult[]> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return recordedNodeResults(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map(lowerCaseKeys), '_rebar');
    });
  }

  async previousBuild(): Promise<PreviousBuild> {
    return withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      return previousBuild(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map(lowerCaseKeys), '_rebar');
    });
  }

  async recordRun(summary: RunSummary): Promise<void> {
    await withDuckDb(this.warehousePath, async (connection) => {
      await ensureMetadataTables(connection);
      await inTransaction(connection, async () => {
        for (const table of RUN_HISTORY_TABLES) {
          await connection.run(`delete from _rebar.${table} where run_id = $1`, [summary.runId]);
        }
        const rows = runHistoryRows(summary);
        await connection.run('insert into _rebar.runs values ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7)', rows.run);
        for (const row of rows.tables) {
          await connection.run('insert into _rebar.run_tables values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', row);
        }
        for (const row of rows.models) {
          await connection.run('insert into _rebar.run_models values ($1, $2, $3, $4, $5, $6, $7)', row);
        }
        for (const row of rows.freshness) {
          await connection.run('insert into _rebar.run_source_freshness values ($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::timestamptz)', row);
        }
      });
    });
  }
}

async function mergeFile(connection: DuckDBConnection, input: LoadFileInput): Promise<LoadFileOutput> {
  const { table, columns, filePath, loadId } = input;
  const target = `${rawSchema}.${quoteIdent(table.name)}`;
  const stage = quoteIdent(`_rebar_stage_${table.name}`);
  const schemaChanges = await alignRawTable(connection, rawSchema, table, columns, loadId, true);

  await stageFile(connection, stage, columns, filePath);
  const lastRead = await lastPosition(connection, stage, table);
  const rowsInFile = Number((await connection.runAndReadAll(`select count(*) as row_count from ${stage}`)).getRowObjectsJS()[0]?.row_count ?? 0);
  // After lastRead: the watermark still moves past rows dropped here, so they are not read again and again.
  await dropStagedRowsPastRetention(connection, stage, table, columns);

  // Raw rows outside the file's key range cannot match: a literal range lets DuckDB skip those row
  // groups by their min/max instead of scanning all of raw for every chunk.
  const inRange = await keyRangeFilter(connection, stage, target, table, columns);
  const keyMatch = table.primaryKey.map((key) => `${target}.${quoteIdent(key)} = latest.${quoteIdent(key)}`).join(' and ') + inRange;
  const partition = table.primaryKey.map(quoteIdent).join(', ');
  // A file read in one snapshot holds each key once; ranking versions is paid only when it does not.
  const repeated = await connection.runAndReadAll(`select exists (select 1 from ${stage} group by ${partition} having count(*) > 1) as repeated`);
  const latest = repeated.getRowsJS()[0]?.[0] === true
    ? `(select * exclude (_rebar_version) from (
        select *, row_number() over (partition by ${partition} order by ${quoteIdent(table.cursor)} desc) as _rebar_version
        from ${stage}) where _rebar_version = 1) as latest`
    : `${stage} as latest`;
  if (table.mode === 'merge') {
    // Rows re-read by the lookback window that raw already holds unchanged are not rewritten (nor counted).
    // Compared as text: raw may keep a wider type than the source now has (see alignRawTable.ts).
    const sameValues = columns
      .map((column) => `cast(${target}.${quoteIdent(column.name)} as varchar) is not distinct from cast(${stage}.${quoteIdent(column.name)} as varchar)`)
      .join(' and ');
    const stageKeyMatch = table.primaryKey.map((key) => `${target}.${quoteIdent(key)} = ${stage}.${quoteIdent(key)}`).join(' and ') + inRange;
    await connection.run(`delete from ${stage} where exists (select 1 from ${target} where ${stageKeyMatch} and ${target}._rebar_deleted_at is null and ${sameValues})`);
    await connection.run(`delete from ${target} using ${latest} where ${keyMatch}`);
  }
  const newOnly = table.mode === 'append' ? `where not exists (select 1 from ${target} where ${keyMatch})` : '';
  const inserted = await connection.run(
    `insert into ${target} by name
     select latest.*, ${quoteLiteral(loadId)} as _rebar_load_id, current_timestamp as _rebar_loaded_at
     from ${latest} ${newOnly}`,
  );
  const rowsWritten = Number(inserted.rowsChanged);

  const watermark = await advancedWatermark(connection, lastRead, table, columns);
  if (watermark) {
    await connection.run('insert or replace into _rebar.watermarks values ($1, $2, $3, $4, current_timestamp)', [
      table.name,
      watermark.cursor,
      JSON.stringify(watermark.primaryKey),
      loadId,
    ]);
  }
  await connection.run(`drop table ${stage}`);
  const warehouseRows = Number((await connection.runAndReadAll(`select count(*) as row_count from ${target} where _rebar_deleted_at is null`)).getRowObjectsJS()[0]?.row_count ?? 0);
  return { rowsInFile, rowsWritten, warehouseRows, watermark, lastRead, schemaChanges };
}

/** ` and raw.<first key> between <min> and <max>` of the staged file, as typed literals; '' for an empty file. */
async function keyRangeFilter(connection: DuckDBConnection, stage: string, target: string, table: IncrementalTableConfig, columns: SourceColumn[]): Promise<string> {
  const key = table.primaryKey[0];
  if (!key) return '';
  const type = duckdbTypeFor(columns.find((column) => column.name === key)?.pgType ?? 'text');
  const bounds = (await connection.runAndReadAll(`select cast(min(${quoteIdent(key)}) as varchar), cast(max(${quoteIdent(key)}) as varchar) from ${stage}`)).getRowsJS()[0];
  if (!bounds || bounds[0] === null || bounds[1] === null) return '';
  const literal = (value: unknown) => `cast(${quoteLiteral(String(value))} as ${type})`;
  return ` and ${target}.${quoteIdent(key)} between ${literal(bounds[0])} and ${literal(bounds[1])}`;
}

/** The last row read, if it is past the stored watermark: a re-read window never moves it back. */
async function advancedWatermark(connection: DuckDBConnection, candidate: Watermark | undefined, table: IncrementalTableConfig, columns: SourceColumn[]): Promise<Watermark | undefined> {
  if (!candidate) return undefined;
  const stored = (await connection.runAndReadAll('select cursor_value, primary_key_values from _rebar.watermarks where table_name = $1', [table.name])).getRowsJS()[0];
  if (!stored) return candidate;
  const keyColumns = [table.cursor, ...table.primaryKey];
  const typeOf = (name: string) => duckdbTypeFor(columns.find((column) => column.name === name)?.pgType ?? 'text');
  const previous = storedWatermark(table.name, stored[0], stored[1]);
  const storedValues = [previous.cursor, ...previous.primaryKey];
  const candidateValues = [candidate.cursor, ...candidate.primaryKey];
  const row = (values: string[]) => `(${values.map((value, index) => `cast(${quoteLiteral(value)} as ${typeOf(keyColumns[index]!)})`).join(', ')})`;
  const ahead = (await connection.runAndReadAll(`select ${row(candidateValues)} > ${row(storedValues)} as ahead`)).getRowsJS()[0]?.[0];
  return ahead === true ? candidate : undefined;
}

async function lastPosition(connection: DuckDBConnection, stage: string, table: IncrementalTableConfig): Promise<Watermark | undefined> {
  const keyColumns = [table.cursor, ...table.primaryKey];
  const selectList = keyColumns.map((column, index) => `cast(${quoteIdent(column)} as varchar) as key_${index}`).join(', ');
  const order = keyColumns.map((column) => `${quoteIdent(column)} desc`).join(', ');
  const result = await connection.runAndReadAll(
    `select ${selectList} from ${stage} where ${quoteIdent(table.cursor)} is not null order by ${order} limit 1`,
  );
  const row = result.getRowsJS()[0];
  if (!row) return undefined;
  return { cursor: String(row[0]), primaryKey: row.slice(1).map(String) };
}
