import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { IncrementalTableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import { storedWatermark } from '../storedWatermark.js';
import type { LoadFileInput, LoadFileOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { dropStagedRowsPastRetention } from './retentionBoundaries.js';
import { stageFile } from './stageFile.js';
import { duckdbTypeFor } from './types.js';

/**
 * One extract file into raw.<table> (the caller holds the transaction): one row per primary key,
 * the latest version wins, and the watermark moves with the rows.
 */
export async function mergeFile(
  connection: DuckDBConnection,
  rawSchema: string,
  input: LoadFileInput,
): Promise<LoadFileOutput> {
  const { table, columns, filePath, loadId } = input;
  const target = `${rawSchema}.${quoteIdent(table.name)}`;
  const stage = quoteIdent(`_rebar_stage_${table.name}`);
  const schemaChanges = await alignRawTable(connection, rawSchema, table, columns, loadId, true);

  await stageFile(connection, stage, columns, filePath);
  const lastRead = await lastPosition(connection, stage, table);
  const rowsInFile = Number(
    (await connection.runAndReadAll(`select count(*) as row_count from ${stage}`)).getRowObjectsJS()[0]?.row_count ?? 0,
  );
  // After lastRead: the watermark still moves past rows dropped here, so they are not read again and again.
  await dropStagedRowsPastRetention(connection, stage, table, columns);

  // Raw rows outside the file's key range cannot match: a literal range lets DuckDB skip those row
  // groups by their min/max instead of scanning all of raw for every chunk.
  const inRange = await keyRangeFilter(connection, stage, target, table, columns);
  const keyMatch =
    table.primaryKey.map((key) => `${target}.${quoteIdent(key)} = latest.${quoteIdent(key)}`).join(' and ') + inRange;
  const partition = table.primaryKey.map(quoteIdent).join(', ');
  // A file read in one snapshot holds each key once; ranking versions is paid only when it does not.
  const repeated = await connection.runAndReadAll(
    `select exists (select 1 from ${stage} group by ${partition} having count(*) > 1) as repeated`,
  );
  const latest =
    repeated.getRowsJS()[0]?.[0] === true
      ? `(select * exclude (_rebar_version) from (
        select *, row_number() over (partition by ${partition} order by ${quoteIdent(table.cursor)} desc) as _rebar_version
        from ${stage}) where _rebar_version = 1) as latest`
      : `${stage} as latest`;
  if (table.mode === 'merge') {
    // Rows re-read by the lookback window that raw already holds unchanged are not rewritten (nor counted).
    // Compared as text: raw may keep a wider type than the source now has (see alignRawTable.ts).
    const sameValues = columns
      .map(
        (column) =>
          `cast(${target}.${quoteIdent(column.name)} as varchar) is not distinct from cast(${stage}.${quoteIdent(column.name)} as varchar)`,
      )
      .join(' and ');
    const stageKeyMatch =
      table.primaryKey.map((key) => `${target}.${quoteIdent(key)} = ${stage}.${quoteIdent(key)}`).join(' and ') +
      inRange;
    await connection.run(
      `delete from ${stage} where exists (select 1 from ${target} where ${stageKeyMatch} and ${target}._rebar_deleted_at is null and ${sameValues})`,
    );
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
  const warehouseRows =
    input.countRows === false
      ? undefined
      : Number(
          (
            await connection.runAndReadAll(
              `select count(*) as row_count from ${target} where _rebar_deleted_at is null`,
            )
          ).getRowObjectsJS()[0]?.row_count ?? 0,
        );
  return { rowsInFile, rowsWritten, warehouseRows, watermark, lastRead, schemaChanges };
}

/** ` and raw.<first key> between <min> and <max>` of the staged file, as typed literals; '' for an empty file. */
async function keyRangeFilter(
  connection: DuckDBConnection,
  stage: string,
  target: string,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<string> {
  const key = table.primaryKey[0];
  if (!key) return '';
  const type = duckdbTypeFor(columns.find((column) => column.name === key)?.pgType ?? 'text');
  const bounds = (
    await connection.runAndReadAll(
      `select cast(min(${quoteIdent(key)}) as varchar), cast(max(${quoteIdent(key)}) as varchar) from ${stage}`,
    )
  ).getRowsJS()[0];
  if (!bounds || bounds[0] === null || bounds[1] === null) return '';
  const literal = (value: unknown) => `cast(${quoteLiteral(String(value))} as ${type})`;
  return ` and ${target}.${quoteIdent(key)} between ${literal(bounds[0])} and ${literal(bounds[1])}`;
}

/** The last row read, if it is past the stored watermark: a re-read window never moves it back. */
async function advancedWatermark(
  connection: DuckDBConnection,
  candidate: Watermark | undefined,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<Watermark | undefined> {
  if (!candidate) return undefined;
  const stored = (
    await connection.runAndReadAll(
      'select cursor_value, primary_key_values from _rebar.watermarks where table_name = $1',
      [table.name],
    )
  ).getRowsJS()[0];
  if (!stored) return candidate;
  const keyColumns = [table.cursor, ...table.primaryKey];
  const typeOf = (name: string) => duckdbTypeFor(columns.find((column) => column.name === name)?.pgType ?? 'text');
  const previous = storedWatermark(table.name, stored[0], stored[1]);
  const storedValues = [previous.cursor, ...previous.primaryKey];
  const candidateValues = [candidate.cursor, ...candidate.primaryKey];
  const row = (values: string[]) =>
    `(${values.map((value, index) => `cast(${quoteLiteral(value)} as ${typeOf(keyColumns[index]!)})`).join(', ')})`;
  const ahead = (
    await connection.runAndReadAll(`select ${row(candidateValues)} > ${row(storedValues)} as ahead`)
  ).getRowsJS()[0]?.[0];
  return ahead === true ? candidate : undefined;
}

async function lastPosition(
  connection: DuckDBConnection,
  stage: string,
  table: IncrementalTableConfig,
): Promise<Watermark | undefined> {
  const keyColumns = [table.cursor, ...table.primaryKey];
  const selectList = keyColumns
    .map((column, index) => `cast(${quoteIdent(column)} as varchar) as key_${index}`)
    .join(', ');
  const order = keyColumns.map((column) => `${quoteIdent(column)} desc`).join(', ');
  const result = await connection.runAndReadAll(
    `select ${selectList} from ${stage} where ${quoteIdent(table.cursor)} is not null order by ${order} limit 1`,
  );
  const row = result.getRowsJS()[0];
  if (!row) return undefined;
  return { cursor: String(row[0]), primaryKey: row.slice(1).map(String) };
}
