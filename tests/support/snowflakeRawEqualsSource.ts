import assert from 'node:assert/strict';
import type pg from 'pg';
import type { RebarConfig } from '../../orchestration/src/config/config.js';
import { loadTablesConfig, type TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { querySnowflake } from './snowflakeQuery.js';

/**
 * Every row of a source table as text, ordered by primary key, and the same from RAW in
 * Snowflake: timestamps as epoch microseconds, JSON re-serialised, everything else cast to text.
 */
async function tableContents(
  config: RebarConfig,
  source: pg.ClientBase,
  table: TableConfig,
  skipRows?: string,
): Promise<{ source: (string | null)[][]; raw: (string | null)[][] }> {
  const columns = (
    await source.query<{ column_name: string; data_type: string }>(
      "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
      [table.name],
    )
  ).rows;
  const pgList = columns.map(({ column_name: name, data_type: type }) => {
    if (type.startsWith('timestamp')) return `(extract(epoch from "${name}") * 1000000)::bigint::text`;
    return `"${name}"::text`;
  });
  const sfList = columns.map(({ column_name: name, data_type: type }) => {
    if (type.startsWith('timestamp')) return `cast(date_part(epoch_microsecond, "${name.toUpperCase()}") as varchar)`;
    if (type === 'jsonb' || type === 'json') return `to_json("${name.toUpperCase()}")`;
    return `cast("${name.toUpperCase()}" as varchar)`;
  });
  // Qualified: an output column of the same name (the key as text) would otherwise be what is sorted.
  const order = table.primaryKey.map((key) => `${table.name}."${key}"`).join(', ');
  const pgRows = (
    await source.query({
      text: `select ${pgList.join(', ')} from ${table.name} ${skipRows ? `where not (${skipRows})` : ''} order by ${order}`,
      rowMode: 'array',
    })
  ).rows as (string | null)[][];
  const sfRows = (
    await querySnowflake(config, `select ${sfList.join(', ')} from raw.${table.name} order by ${order.toUpperCase()}`)
  ).map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
  const jsonColumns = columns.map((column) => column.data_type === 'jsonb' || column.data_type === 'json');
  const normalise = (rows: (string | null)[][]) =>
    rows.map((row) =>
      row.map((value, index) => (value !== null && jsonColumns[index] ? JSON.stringify(JSON.parse(value)) : value)),
    );
  return { source: normalise(pgRows), raw: normalise(sfRows) };
}

/** Every table's raw rows equal the source's (rows pruned on purpose, past retention, left out); returns "table rows, ...". */
export async function assertSnowflakeRawEqualsSource(input: {
  config: RebarConfig;
  source: pg.ClientBase;
  summary: RunSummary;
}): Promise<string> {
  const { config, summary } = input;
  const lines: string[] = [];
  for (const table of loadTablesConfig(config.tablesConfigPath)) {
    const skip =
      table.name === 'platform_events'
        ? summary.retention.pruned
            .map((result) => `(category = '${result.category}' and created_at < '${result.cutoff}'::timestamptz)`)
            .join(' or ') || undefined
        : undefined;
    const { source: expected, raw } = await tableContents(config, input.source, table, skip);
    assert.equal(raw.length, expected.length, `${table.name}: row count`);
    assert.deepEqual(raw, expected, `${table.name}: content`);
    lines.push(`${table.name} ${raw.length}`);
  }
  return lines.join(', ');
}
