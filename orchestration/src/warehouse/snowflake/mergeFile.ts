import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
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
import { tupleGreater, typedLiteral, typedStage } from './typedStage.js';
import { storedWatermark } from '../storedWatermark.js';

/**
 * One extract file into RAW.<table>, the Snowflake counterpart of the DuckDB loader's merge.
 * Before the transaction (Snowflake commits implicitly around DDL): align the table, stage the
 * file, and build the rows to write (the latest version per primary key, without rows raw has
 * pruned and, for merge tables, without rows raw already holds unchanged). Then, in one
 * transaction: MERGE them into raw and move the watermark.
 */
export async function mergeFile(
  session: SnowflakeSession,
  rawSchema: string,
  input: LoadFileInput,
): Promise<LoadFileOutput> {
  const { table, columns, filePath, loadId } = input;
  const target = `${rawSchema}.${sfIdent(table.name)}`;
  const stage = `_rebar_stage_${table.name}`;
  const latest = quoteIdent(`_rebar_latest_${table.name}`);
  const schemaChanges = await alignRawTable(session, rawSchema, table, columns, loadId, true);
  await stageFile(
    session,
    stage,
    columns.map((column) => column.name),
    filePath,
    loadId,
  );
  const lastRead = await lastPosition(session, stage, table, columns);
  const rowsInFile = Number(
    (await session.query(`select count(*) as row_count from ${quoteIdent(stage)}`))[0]?.ROW_COUNT ?? 0,
  );

  const keyMatch = (left: string, right: string) =>
    table.primaryKey.map((key) => `${left}.${sfIdent(key)} = ${right}.${sfIdent(key)}`).join(' and ');
  // After lastRead: the watermark still moves past rows dropped here, so they are not read again and again.
  const expired = await expiredPredicate(session, table, columns);
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
    `create or replace temporary table ${latest} as select * from ${latestVersions} ${table.mode === 'merge' ? `where not ${unchanged}` : ''}`,
  );

  return inTransaction(session, async () => {
    const rowsWritten = await session.execute(mergeStatement(target, latest, table, columns, loadId));
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
  loadId: string,
): string {
  const names = columns.map((column) => sfIdent(column.name));
  const on = table.primaryKey.map((key) => `raw_row.${sfIdent(key)} = latest.${sfIdent(key)}`).join(' and ');
  const stamp = `${quoteLiteral(loadId)}, current_timestamp()`;
  const update = `when matched then update set ${[
    ...names.map((name) => `${name} = latest.${name}`),
    `_rebar_load_id = ${quoteLiteral(loadId)}`,
    '_rebar_loaded_at = current_timestamp()',
    '_rebar_deleted_at = null',
  ].join(', ')}`;
  const insert = `when not matched then insert (${names.join(', ')}, _rebar_load_id, _rebar_loaded_at)
      values (${names.map((name) => `latest.${name}`).join(', ')}, ${stamp})`;
  return `merge into ${target} as raw_row using ${latest} as latest on ${on}
    ${table.mode === 'merge' ? update : ''}
    ${insert}`;
}

async function expiredPredicate(
  session: SnowflakeSession,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<string | undefined> {
  if (!table.retention) return undefined;
  const kind = timestampKindOfPg(
    columns.find((column) => column.name === table.retention?.timestampColumn)?.pgType ?? '',
  );
  if (!kind) return undefined; // the extraction refuses such a column before anything is staged (sourceColumns.ts)
  return rawExpiredRowsPredicate(table.retention, kind, await readRetentionBoundaries(session, table.name), 'staged.');
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
  const typed = (values: string[]) => values.map((value, index) => typedLiteral(value, keyColumns[index]));
  const rows = await session.query(
    `select ${tupleGreater(typed([candidate.cursor, ...candidate.primaryKey]), typed([previous.cursor, ...previous.primaryKey]))} as ahead`,
  );
  return rows[0]?.AHEAD === true ? candidate : undefined;
}
