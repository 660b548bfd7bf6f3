import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import { duckdbTypeFor } from './types.js';
import { rawText } from '../../reconcile/rowText.js';
import { rawRowDigestText, rawRowHash } from '../../reconcile/rangeDigest.js';
import type { ContentCheckRecord, RangeDigest, RawRangeDigestInput, RawRowsAsTextInput } from '../warehouse.js';

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

/** The filters of one key range of raw (`raw_row`), tombstoned rows left out. */
function rangeFilters(input: RawRowsAsTextInput): string[] {
  const keys = `(${input.keyColumns.map((column) => `raw_row.${quoteIdent(column.name)}`).join(', ')})`;
  const bound = (values: string[]) => `(${typedKey(input.keyColumns, values)})`;
  return [
    'raw_row._rebar_deleted_at is null',
    ...(input.afterKey ? [`${keys} > ${bound(input.afterKey)}`] : []),
    ...(input.upToKey ? [`${keys} <= ${bound(input.upToKey)}`] : []),
  ];
}

function typedKey(keyColumns: SourceColumn[], values: string[]): string {
  return values
    .map((value, index) => `cast(${quoteLiteral(value)} as ${duckdbTypeFor(keyColumns[index]!.pgType)})`)
    .join(', ');
}

/** One key range of raw as a digest (reconcile/rangeDigest.ts), the excluded keys left out. */
export async function rawRangeDigest(
  connection: DuckDBConnection,
  schema: string,
  input: RawRangeDigestInput,
): Promise<RangeDigest> {
  await connection.run("set TimeZone = 'UTC'");
  const keyNames = input.keyColumns.map((_, index) => `key_${index}`);
  const excluded =
    input.excludedKeys.length === 0
      ? []
      : [
          `not exists (select 1 from (values ${input.excludedKeys.map((key) => `(${typedKey(input.keyColumns, key)})`).join(', ')}) as in_flight(${keyNames.join(', ')})
            where ${input.keyColumns.map((column, index) => `raw_row.${quoteIdent(column.name)} = in_flight.${keyNames[index]}`).join(' and ')})`,
        ];
  const rowText = rawRowDigestText([...input.keyColumns, ...input.columns], 'raw_row.');
  const row = (
    await connection.runAndReadAll(
      `select count(*)::varchar, coalesce(sum(${rawRowHash(rowText)}), 0)::varchar
       from ${schema}.${quoteIdent(input.table.name)} as raw_row where ${[...rangeFilters(input), ...excluded].join(' and ')}`,
    )
  ).getRowsJS()[0];
  return { rows: Number(row?.[0] ?? 0), digest: String(row?.[1] ?? '0') };
}

/** Raw rows of one key range as normalised text (keys first), for the nightly content check. */
export async function rawRowsAsText(
  connection: DuckDBConnection,
  schema: string,
  input: RawRowsAsTextInput,
): Promise<(string | null)[][]> {
  await connection.run("set TimeZone = 'UTC'");
  const filters = rangeFilters(input);
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
