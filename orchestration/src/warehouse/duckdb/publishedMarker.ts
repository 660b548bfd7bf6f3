import { existsSync } from 'node:fs';
import { withReadOnlyWarehouse } from './readOnlyWarehouse.js';

/** In the published file's _rebar schema: the run that built and tested that version. */
export const PUBLISHED_MARKER_TABLE = 'published';

export interface PublishedRun {
  runId: string;
  publishedAt: string;
}

/**
 * Which run readers of the published file see, read from the file itself; undefined when there is
 * no published file yet, or it was published before the marker existed (a whole-file copy).
 */
export async function readPublishedRun(publishedPath: string): Promise<PublishedRun | undefined> {
  if (!existsSync(publishedPath)) return undefined;
  return withReadOnlyWarehouse(publishedPath, async (connection) => {
    const marker = await connection.runAndReadAll(
      `select count(*) as n from duckdb_tables() where database_name = current_database() and schema_name = '_rebar' and table_name = '${PUBLISHED_MARKER_TABLE}'`,
    );
    if (Number(marker.getRowObjectsJS()[0]?.n) === 0) return undefined;
    const row = (
      await connection.runAndReadAll(
        `select run_id, strftime(published_at at time zone 'UTC', '%Y-%m-%d %H:%M:%S UTC') as published_at from _rebar.${PUBLISHED_MARKER_TABLE}`,
      )
    ).getRowObjectsJS()[0];
    return row ? { runId: String(row.run_id), publishedAt: String(row.published_at) } : undefined;
  });
}
