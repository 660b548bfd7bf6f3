import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import { STAGE } from './metadataTables.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { stagePathPart } from './stagePathPart.js';

/**
 * Postgres' CSV: fields optionally quoted with ", "" inside quotes, NULL an unquoted empty field,
 * '' a quoted empty one. No header.
 */
export const CSV_FORMAT = `type = csv field_optionally_enclosed_by = '"' escape_unenclosed_field = none empty_field_as_null = true null_if = () compression = gzip`;

/**
 * Loads an extract file into a session-private temporary table of VARCHAR columns (the exact text
 * Postgres wrote; converted to raw's types when merged): gzipped, PUT to the named stage under a
 * path no other load uses, then COPY INTO, which PURGEs the staged file. DDL and COPY happen here,
 * before the caller's transaction; a failed COPY's file is removed from the stage. The temporary table is unqualified: it lives in the session's
 * current schema and disappears with the session.
 */
export async function stageFile(
  session: SnowflakeSession,
  stageTable: string,
  columnNames: string[],
  filePath: string,
  loadId: string,
): Promise<void> {
  const definitions = columnNames.map((name) => `${sfIdent(name)} varchar`).join(', ');
  await session.execute(`create or replace temporary table ${quoteIdent(stageTable)} (${definitions})`);
  // An empty extract (nothing changed) leaves the staged table empty: nothing to upload.
  if (statSync(filePath).size === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'rebar-sf-'));
  const gzipped = join(dir, 'part.csv.gz');
  try {
    await pipeline(createReadStream(filePath), createGzip(), createWriteStream(gzipped));
    const path = `${STAGE}/${stagePathPart(loadId)}/${randomUUID()}/`;
    await session.query(`put ${quoteLiteral(`file://${gzipped}`)} @${path} auto_compress = false overwrite = true`);
    try {
      await session.query(
        `copy into ${quoteIdent(stageTable)} from @${path} file_format = (${CSV_FORMAT}) on_error = abort_statement purge = true`,
      );
    } catch (error) {
      // PURGE removes only what loaded: a failed COPY's file would stay on the stage (and be billed) for good.
      await session.query(`remove @${path}`).catch(() => undefined);
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
