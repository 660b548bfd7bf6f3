import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { quoteIdent } from '../../orchestration/src/kernel/sqlIdentifiers.js';

export interface CopyLimitResult {
  seconds: number;
  rows: number;
  bytes: number;
}

/**
 * The physical limit of extraction: `COPY (select * from t) TO STDOUT` of every table, streamed
 * into nothing, with the same number of tables in flight as Rebar extracts at once.
 */
export async function measureCopyLimit(
  sourceUrl: string,
  tables: string[],
  parallelism: number,
): Promise<CopyLimitResult> {
  const queue = [...tables];
  let rows = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  const lane = async () => {
    const client = new pg.Client({ connectionString: sourceUrl });
    await client.connect();
    try {
      for (let table = queue.shift(); table !== undefined; table = queue.shift()) {
        const stream = client.query(copyTo(`copy (select * from ${quoteIdent(table)}) to stdout with (format csv)`));
        await pipeline(
          stream,
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              bytes += chunk.length;
              done();
            },
          }),
        );
        rows += Number(stream.rowCount ?? 0);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, tables.length) }, lane));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, bytes };
}
