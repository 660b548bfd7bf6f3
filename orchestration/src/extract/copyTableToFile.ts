import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { SourceColumn } from './sourceColumns.js';
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
}

/** The keyset predicate: rows strictly past the watermark in (cursor, primary key) order. */
export function pastWatermarkPredicate(table: TableConfig, columns: SourceColumn[], watermark: Watermark | undefined): string {
  if (!watermark) return 'true';
  const typeOf = (name: string) => columns.find((column) => column.name === name)?.pgType ?? 'text';
  const keyColumns = [table.cursor, ...table.primaryKey.filter((key) => key !== table.cursor)];
  const keyValues = [watermark.cursor, ...watermark.primaryKey.slice(table.primaryKey[0] === table.cursor ? 1 : 0)];
  if (keyValues.length !== keyColumns.length) {
    throw new Error(`Stored watermark for ${table.name} has ${keyValues.length} values but the table's keyset has ${keyColumns.length}; reset it with a full refresh.`);
  }
  const left = keyColumns.map(quoteIdent).join(', ');
  const right = keyValues.map((value, index) => `${quoteLiteral(value)}::${typeOf(keyColumns[index]!)}`).join(', ');
  return `(${left}) > (${right})`;
}

/**
 * Streams the rows past the watermark out of Postgres with COPY ... TO STDOUT (CSV) into a file.
 * Runs in a read-only REPEATABLE READ transaction with UTC/ISO output so values are stable and exact.
 */
export async function copyTableToFile(input: CopyTableToFileInput): Promise<CopyTableToFileOutput> {
  const { client, table, columns, watermark, filePath } = input;
  const schema = input.schema ?? 'public';
  const selectList = columns.map((column) => quoteIdent(column.name)).join(', ');
  const predicate = pastWatermarkPredicate(table, columns, watermark);
  const query = `copy (select ${selectList} from ${quoteIdent(schema)}.${quoteIdent(table.name)} where ${predicate}) to stdout with (format csv)`;

  await client.query('begin isolation level repeatable read read only');
  try {
    await client.query("set local timezone = 'UTC'");
    await client.query("set local datestyle = 'ISO, YMD'");
    await client.query("set local intervalstyle = 'iso_8601'");
    await client.query('set local extra_float_digits = 3');
    const stream = client.query(copyTo(query));
    await pipeline(stream, createWriteStream(filePath));
    await client.query('commit');
    return { rowCount: stream.rowCount ?? 0, bytes: statSync(filePath).size };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
