import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { resolveLookback } from './lookback.js';
import { extractExpression } from './typeMapping.js';
import { type SourceColumn, SourceTableError } from './sourceColumns.js';
import { quoteIdent, quoteLiteral } from './sqlIdentifiers.js';
import type { TableConfig } from './tablesConfig.js';
import type { Watermark } from './watermark.js';

export interface CopyTableToFileInput {
  client: pg.ClientBase;
  table: TableConfig;
  columns: SourceColumn[];
  watermark: Watermark | undefined;
  filePath: string;
  schema?: string;
}

export interface CopyTableToFileOutput {
  rowCount: number;
  bytes: number;
  /** All rows of the source table in the same snapshot the rows were read from. */
  sourceRowCount: number;
}

/**
 * Which rows a run reads. First run: all. Then: rows in the lookback window behind the watermark and
 * everything after it (or, without lookback, strictly past the (cursor, primary key) keyset); plus
 * rows whose cursor is NULL, on every run, since no position can be recorded for them.
 */
export function extractionPredicate(table: TableConfig, columns: SourceColumn[], watermark: Watermark | undefined): string {
  const typeOf = (name: string) => {
    const column = columns.find((candidate) => candidate.name === name);
    if (!column) throw new SourceTableError(`Table ${table.name}: column "${name}" is missing from the source.`);
    return column.pgType;
  };
  const cursor = quoteIdent(table.cursor);
  const cursorType = typeOf(table.cursor);
  // Resolved on every run, so an unsupported cursor type fails the first run too.
  const lookback = resolveLookback(table, cursorType);
  if (!watermark) return 'true';
  const stored = `${quoteLiteral(watermark.cursor)}::${cursorType}`;
  const nullCursor = ` or ${cursor} is null`;
  if (lookback.kind === 'interval') return `(${cursor} >= ${stored} - interval ${quoteLiteral(lookback.interval)}${nullCursor})`;
  if (lookback.kind === 'count') return `(${cursor} > ${stored} - ${lookback.count}${nullCursor})`;
  const keyColumns = [table.cursor, ...table.primaryKey.filter((key) => key !== table.cursor)];
  const keyValues = [watermark.cursor, ...watermark.primaryKey.slice(table.primaryKey[0] === table.cursor ? 1 : 0)];
  if (keyValues.length !== keyColumns.length) {
    throw new Error(`Stored watermark for ${table.name} has ${keyValues.length} values but the table's keyset has ${keyColumns.length}; reset it with a full refresh.`);
  }
  const left = keyColumns.map(quoteIdent).join(', ');
  const right = keyValues.map((value, index) => `${quoteLiteral(value)}::${typeOf(keyColumns[index]!)}`).join(', ');
  return `((${left}) > (${right})${nullCursor})`;
}

/**
 * Streams the rows past the watermark out of Postgres with COPY ... TO STDOUT (CSV) into a file.
 * Runs in a read-only REPEATABLE READ transaction with UTC/ISO output so values are stable and exact.
 */
export async function copyTableToFile(input: CopyTableToFileInput): Promise<CopyTableToFileOutput> {
  const { client, table, columns, watermark, filePath } = input;
  const schema = input.schema ?? 'public';
  const selectList = columns.map((column) => extractExpression(quoteIdent(column.name), column.pgType)).join(', ');
  const predicate = extractionPredicate(table, columns, watermark);
  const query = `copy (select ${selectList} from ${quoteIdent(schema)}.${quoteIdent(table.name)} where ${predicate}) to stdout with (format csv)`;

  await client.query('begin isolation level repeatable read read only');
  try {
    await client.query("set local timezone = 'UTC'");
    await client.query("set local datestyle = 'ISO, YMD'");
    await client.query("set local intervalstyle = 'postgres'");
    await client.query('set local extra_float_digits = 3');
    const stream = client.query(copyTo(query));
    await pipeline(stream, createWriteStream(filePath));
    const counted = await client.query<{ row_count: string }>(`select count(*) as row_count from ${quoteIdent(schema)}.${quoteIdent(table.name)}`);
    await client.query('commit');
    return { rowCount: stream.rowCount ?? 0, bytes: statSync(filePath).size, sourceRowCount: Number(counted.rows[0]?.row_count ?? 0) };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
