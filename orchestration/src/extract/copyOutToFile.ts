import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** Runs `COPY (…) TO STDOUT` into a file (appending with `append`); returns the rows COPY reported. */
export async function copyOutToFile(
  client: pg.ClientBase,
  sql: string,
  filePath: string,
  append = false,
): Promise<number> {
  const stream = client.query(copyTo(sql));
  await pipeline(stream, createWriteStream(filePath, { flags: append ? 'a' : 'w' }));
  // The count comes in COPY's CommandComplete, which the client may handle after the stream has
  // ended (a whole table once read 0 rows here): a statement queued behind the COPY runs only after it.
  await client.query('select 1');
  return stream.rowCount ?? 0;
}
