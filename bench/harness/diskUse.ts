import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../orchestration/src/config/config.js';

/** What a Rebar state directory holds on disk after a nightly, in MB. */
export interface DiskUse {
  /** The working warehouse (raw, staging, marts, bookkeeping) with its write-ahead log. */
  warehouseMb: number;
  /** The file readers open (published marts). */
  publishedMb: number;
  /** Everything else in the state directory: dbt's target folders, Temporal's database, leftovers. */
  otherMb: number;
}

const MB = 1e6;

function bytesUnder(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0);
}

/** The warehouse and published files of the state directory `stateDir`, as the CLI configures them. */
export function diskUse(stateDir: string): DiskUse {
  const config = loadConfig({ ...process.env, REBAR_STATE_DIR: stateDir });
  const warehouse = bytesUnder(config.warehousePath) + bytesUnder(`${config.warehousePath}.wal`);
  const published = bytesUnder(config.publishedPath);
  return {
    warehouseMb: warehouse / MB,
    publishedMb: published / MB,
    otherMb: (bytesUnder(stateDir) - warehouse - published) / MB,
  };
}

/** The source database's size (tables, indexes, TOAST) as Postgres counts it, in MB. */
export async function sourceDatabaseMb(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    return Number(rows[0]?.bytes ?? 0) / MB;
  } finally {
    await client.end();
  }
}
