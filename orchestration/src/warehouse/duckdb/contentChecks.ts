import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import { duckdbTypeFor } from './types.js';
import { rawText } from '../../reconcile/rowText.js';
import type { ContentCheckRecord, RawRowsAsTextInput } from '../warehouse.js';

export async function contentCheckPosition(
  connection: DuckDBConnection,
  table: TableConfig,
): Promise<string[] | undefined> {
  const row = (
    await connection.runAndReadAll('select after_key from _rebar.content_check_positions where table_name = $1', [
      table.name,
    ])
  ).getRowsJS()[0];
  return row && row[0] !== null ? (JSON.parse(String(row[0])) as string[]) : undefined;
}

/** Raw rows of one key range as normalised text (keys first), for the nightly content check. */
export async function rawRowsAsText(
  connection: DuckDBConnection,
  schema: string,
  input: RawRowsAsTextInput,
): Promise<(string | null)[][]> {
  await connection.run("set TimeZone = 'UTC'");
  const keys = `(${input.keyColumns.map((column) => `raw_row.${quoteIdent(column.name)}`).join(', ')})`;
  const bound = (values: string[]) =>
    `(${values.map((value, index) => `cast(${quoteLiteral(value)} as ${duckdbTypeFor(input.keyColumns[index]!.pgType)})`).join(', ')})`;
  const filters = [
    'raw_row._rebar_deleted_at is null',
    ...(input.afterKey ? [`${keys} > ${bound(input.afterKey)}`] : []),
    ...(input.upToKey ? [`${keys} <= ${bound(input.upToKey)}`] : []),
  ];
  const selectList = [...input.keyColumns, ...input.columns]
    .map((column: SourceColumn) => rawText(column, 'raw_row.'))
    .join(', ');
  const order = input.keyColumns.map((column) => `raw_row.${quoteIdent(column.name)}`).join(', ');
  const result = await connection.runAndReadAll(
    `select ${selectList} from ${schema}.${quoteIdent(input.table.name)} as raw_row where ${filters.join(' and ')} order by ${order}`,
  );
  return result.getRowsJS() as (string | null)[][];
}

export async function recordContentCheck(connection: DuckDBConnection, input: ContentCheckRecord): Promise<void> {
  const key = (values: string[] | undefined) => (values ? JSON.stringify(values) : null);
  await connection.run('insert into _rebar.content_checks values ($1, $2, $3, $4, $5, $6, $7, current_timestamp)', [
    input.table.name,
    input.loadId,
    key(input.fromKey),
    key(input.toKey),
    input.rowsCompared,
    input.result,
    input.detail ?? null,
  ]);
  if (input.nextAfterKey !== undefined) {
    await connection.run('insert or replace into _rebar.content_check_positions values ($1, $2, current_timestamp)', [
      input.table.name,
      key(input.nextAfterKey ?? undefined),
    ]);
  }
}
