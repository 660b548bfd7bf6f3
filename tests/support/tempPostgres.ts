import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEphemeralPostgres, type EphemeralPostgres } from '../../orchestration/src/source/ephemeralPostgres.js';
import { migrateSource } from '../../orchestration/src/source/migrate.js';
import { projectRoot } from './projectRoot.js';

export interface TempPostgres extends EphemeralPostgres {
  client: pg.Client;
  close(): Promise<void>;
}

/** A real throwaway Postgres cluster for one test file; `migrate` applies the demo source schema. */
export async function startTempPostgres(options: { migrate?: boolean } = {}): Promise<TempPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-test-pg-'));
  const cluster = await startEphemeralPostgres({
    dataDir: join(dir, 'data'),
    binDir: process.env.REBAR_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin',
  });
  const client = new pg.Client({ connectionString: cluster.connectionString });
  await client.connect();
  if (options.migrate) await migrateSource(client, join(projectRoot, 'orchestration', 'sql', 'source'));
  return {
    ...cluster,
    client,
    close: async () => {
      await client.end();
      await cluster.stop();
    },
  };
}
