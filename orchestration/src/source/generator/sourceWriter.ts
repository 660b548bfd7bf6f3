import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import {
  type CsvValue,
  emptyCounts,
  SOURCE_TABLE_COLUMNS,
  SOURCE_TABLES,
  type SourceRow,
  type SourceTable,
} from './sourceTables.js';

const FLUSH_BYTES = 16 * 1024 * 1024;

/**
 * Buffers generated rows as CSV and writes them with COPY FROM STDIN, all tables at once in
 * foreign-key order, whenever the buffers grow past a few megabytes.
 */
export class SourceWriter {
  private readonly buffers = new Map<SourceTable, string[]>(SOURCE_TABLES.map((table) => [table, []]));
  private bufferedBytes = 0;
  readonly written = emptyCounts();

  constructor(private readonly client: pg.ClientBase) {}

  add<T extends SourceTable>(table: T, row: SourceRow<T>): void {
    const line = `${SOURCE_TABLE_COLUMNS[table].map((column) => csvField((row as Record<string, CsvValue>)[column])).join(',')}\n`;
    (this.buffers.get(table) as string[]).push(line);
    this.bufferedBytes += line.length;
    this.written[table] += 1;
  }

  async flushIfFull(): Promise<void> {
    if (this.bufferedBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    for (const table of SOURCE_TABLES) {
      const lines = this.buffers.get(table) as string[];
      if (lines.length === 0) continue;
      const columns = SOURCE_TABLE_COLUMNS[table].map(quoteIdent).join(', ');
      const copy = this.client.query(copyFrom(`copy ${quoteIdent(table)} (${columns}) from stdin with (format csv)`));
      await pipeline(Readable.from(chunked(lines)), copy);
      this.buffers.set(table, []);
    }
    this.bufferedBytes = 0;
  }
}

function* chunked(lines: string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += 2000) yield lines.slice(start, start + 2000).join('');
}

/** CSV for COPY: NULL is an empty unquoted field, every text is quoted so '' stays an empty string. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
}
