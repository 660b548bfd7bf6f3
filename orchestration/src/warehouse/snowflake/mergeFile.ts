import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { IncrementalTableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import { timestampKindOfPg } from '../../retention/expiredRows.js';
import type { LoadFileInput, LoadFileOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { rawExpiredRowsPredicate, readRetentionBoundaries } from './retentionBoundaries.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { fromStagedText } from './types.js';
import { stageFile } from './stageFile.js';
import { tupleGreater, typedBind, typedStage } from './typedStage.js';
import { Binds } from './binds.js';
import { storedWatermark } from '../storedWatermark.js';

/**
 * One extract file into RAW.<table>, the Snowflake counterpart of the DuckDB loader's merge:
 * align the table, stage the file, then merge what was staged (mergeStaged).
 */
export async function mergeFile(
  session: SnowflakeSession,
  rawSchema: string,
  input: LoadFileInput,
): Promise<LoadFileOutput> {
  const { table, columns, filePath, loadId } = input;
  const schemaChanges = await alignRawTable(session, rawSchema, table, columns, loadId, true);
  const stage = stagedTableName(table);
  await stageFile(
    session,
    stage,
    columns.map((column) => column.name),
    filePath,
    loadId,
  );
  return mergeStaged(session, rawSchema, { table, columns, loadId, stage, countRows: input.countRows, schemaChanges });
}

/** The session's temporary table of staged VARCHAR rows for one table. */
export function stagedTableName(table: IncrementalTableConfig): string {
  return `_rebar_stage_${table.name}`;
}

export interface MergeStagedInput {
  table: IncrementalTableConfig;
  columns: SourceColumn[];
  loadId: string;
  /** The session's temporary table holding the extracted rows as VARCHAR (stageFile, or the bulk path's COPY). */
  stage: string;
  countRows: boolean | undefined;
  schemaChanges: string[];
}

/**
 * The staged rows into RAW.<table>. Before the transaction (Snowflake commits implicitly around
 * DDL): build the rows to write (the latest version per primary key, without rows raw has pruned
 * and, for merge tables, without rows raw already holds unchanged). Then, in one transaction: MERGE
 * them into raw (or, while raw is still empty, a plain INSERT) and move the watermark.
 */
export async function mergeStaged(
  session: SnowflakeSession,
  rawSchema: string,
  input: MergeStagedInput,
): Promise<LoadFileOutput> {
  const { table, columns, loadId, stage, schemaChanges } = input;
  const target = `${rawSchema}.${sfIdent(table.name)}`;
  const latest = quoteIdent(`_rebar_latest_${table.name}`);
  const lastRead = await lastPosition(session, stage, table, columns);
  const rowsInFile = Number(
    (await session.query(`select count(*) as row_count from ${quoteIdent(stage)}`))[0]?.ROW_COUNT ?? 0,
  );
  const rawIsEmpty = (await session.query(`select 1 as held from ${target} limit 1`)).length === 0;

  const keyMatch = (left: string, right: string) =>
    table.primaryKey.map((key) => `${left}.${sfIdent(key)} = ${right}.${sfIdent(key)}`).join(' and ');
  // After lastRead: the watermark still moves past rows dropped here, so they are not read again and again.
  const binds = new Binds();
  const loadIdColumn = `${binds.add(loadId)} as ${LOAD_ID}`;
  const expired = await expiredPredicate(session, table, columns, binds);
  const partition = table.primaryKey.map(sfIdent).join(', ');
  const latestVersions = `(select * from ${typedStage(stage, columns)}
      ${expired ? `where not coalesce(${expired}, false)` : ''}
      qualify row_number() over (partition by ${partition} order by ${sfIdent(table.cursor)} desc) = 1) as staged`;
  // Rows re-read by the lookback window that raw already holds unchanged are not rewritten (nor counted).
  const sameValues = columns
    .map((column) => `raw_row.${sfIdent(column.name)} is not distinct from staged.${sfIdent(column.name)}`)
    .join(' and ');
  const unchanged = `exists (select 1 from ${target} as raw_row where ${keyMatch('raw_row', 'staged')} and raw_row._rebar_deleted_at is null and ${sameValues})`;
  await session.execute(
    `create or replace temporary table ${latest} as select staged.*, ${loadIdColumn} from ${latestVersions} ${table.mode === 'merge' && !rawIsEmpty ? `where not ${unchanged}` : ''}`,
    binds.values,
  );

  return inTransaction(session, async () => {
    const rowsWritten = await session.execute(
      rawIsEmpty ? insertStatement(target, latest, columns) : mergeStatement(target, latest, table, columns),
    );
    const watermark = await advancedWatermark(session, lastRead, table, columns);
    if (watermark) {
      await session.execute(`delete from ${METADATA_SCHEMA}.watermarks where table_name = ?`, [table.name]);
      await session.execute(`insert into ${METADATA_SCHEMA}.watermarks values (?, ?, ?, ?, current_timestamp())`, [
        table.name,
        watermark.cursor,
        JSON.stringify(watermark.primaryKey),
        loadId,
      ]);
    }
    const warehouseRows =
      input.countRows === false
        ? undefined
        : Number(
            (await session.query(`select count(*) as row_count from ${target} where _rebar_deleted_at is null`))[0]
              ?.ROW_COUNT ?? 0,
          );
    return { rowsInFile, rowsWritten, warehouseRows, watermark, lastRead, schemaChanges };
  });
}

/** The load id's column in the latest-versions table (bound once there, so no statement spells it out). */
const LOAD_ID = '_rebar_new_load_id';

/** The first load into an empty raw table: every latest version inserted, no MERGE (nothing to match). */
function insertStatement(target: string, latest: string, columns: SourceColumn[]): string {
  const names = columns.map((column) => sfIdent(column.name));
  return `insert into ${target} (${names.join(', ')}, _rebar_load_id, _rebar_loaded_at)
    select ${names.map((name) => `latest.${name}`).join(', ')}, latest.${LOAD_ID}, current_timestamp() from ${latest} as latest`;
}

/**
 * Merge tables: a key raw holds takes the new version (and is live again if a key pass had
 * tombstoned it); a new key is inserted. Append tables: only new keys are inserted, so a file
 * loaded twice never duplicates a row.
 */
function mergeStatement(
  target: string,
  latest: string,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): string {
  const names = columns.map((column) => sfIdent(column.name));
  const on = table.primaryKey.map((key) => `raw_row.${sfIdent(key)} = latest.${sfIdent(key)}`).join(' and ');
  const update = `when matched then update set ${[
    ...names.map((name) => `${name} = latest.${name}`),
    `_rebar_load_id = latest.${LOAD_ID}`,
    '_rebar_loaded_at = current_timestamp()',
    '_rebar_deleted_at = null',
  ].join(', ')}`;
  const insert = `when not matched then insert (${names.join(', ')}, _rebar_load_id, _rebar_loaded_at)
      values (${names.map((name) => `latest.${name}`).join(', ')}, latest.${LOAD_ID}, current_timestamp())`;
  return `merge into ${target} as raw_row using ${latest} as latest on ${on}
    ${table.mode === 'merge' ? update : ''}
    ${insert}`;
}

async function expiredPredicate(
  session: SnowflakeSession,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
  binds: Binds,
): Promise<string | undefined> {
  if (!table.retention) return undefined;
  const kind = timestampKindOfPg(
    columns.find((column) => column.name === table.retention?.timestampColumn)?.pgType ?? '',
  );
  if (!kind) return undefined; // the extraction refuses such a column before anything is staged (sourceColumns.ts)
  return rawExpiredRowsPredicate(
    table.retention,
    kind,
    await readRetentionBoundaries(session, table.name),
    binds,
    'staged.',
  );
}

/** The (cursor, primary key) of the file's last row, as the text Postgres wrote (exact, any precision). */
async function lastPosition(
  session: SnowflakeSession,
  stage: string,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<Watermark | undefined> {
  const keyColumns = [table.cursor, ...table.primaryKey];
  const selectList = keyColumns.map((name, index) => `${sfIdent(name)} as key_${index}`).join(', ');
  const order = keyColumns
    .map(
      (name) =>
        `${fromStagedText(sfIdent(name), columns.find((column) => column.name === name)?.pgType ?? 'text')} desc`,
    )
    .join(', ');
  const rows = await session.query(
    `select ${selectList} from ${quoteIdent(stage)} where ${sfIdent(table.cursor)} is not null order by ${order} limit 1`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return { cursor: String(row.KEY_0), primaryKey: table.primaryKey.map((_, index) => String(row[`KEY_${index + 1}`])) };
}

/** The last row read, if it is past the stored watermark: a re-read window never moves it back. */
async function advancedWatermark(
  session: SnowflakeSession,
  candidate: Watermark | undefined,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<Watermark | undefined> {
  if (!candidate) return undefined;
  const stored = (
    await session.query(
      `select cursor_value, primary_key_values from ${METADATA_SCHEMA}.watermarks where table_name = ?`,
      [table.name],
    )
  )[0];
  if (!stored) return candidate;
  const previous = storedWatermark(table.name, stored.CURSOR_VALUE, stored.PRIMARY_KEY_VALUES);
  const keyColumns = [table.cursor, ...table.primaryKey].map((name) => columns.find((column) => column.name === name));
  // Both positions bound once each in a one-row subquery: tupleGreater names each part more than once.
  const binds = new Binds();
  const parts = (prefix: string, values: string[]) =>
    values.map((value, index) => `${typedBind(value, keyColumns[index], binds)} as ${prefix}${index}`);
  const names = (prefix: string) => keyColumns.map((_, index) => `${prefix}${index}`);
  const positions = [
    ...parts('candidate_', [candidate.cursor, ...candidate.primaryKey]),
    ...parts('stored_', [previous.cursor, ...previous.primaryKey]),
  ];
  const rows = await session.query(
    `select ${tupleGreater(names('candidate_'), names('stored_'))} as ahead from (select ${positions.join(', ')})`,
    binds.values,
  );
  return rows[0]?.AHEAD === true ? candidate : undefined;
}
