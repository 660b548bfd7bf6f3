import { join } from 'node:path';
import pg from 'pg';
import type { RebarConfig } from '../config/config.js';
import { startEphemeralPostgres } from './ephemeralPostgres.js';
import { migrateSource } from './migrate.js';

export interface OpenSourceOutput {
  /** Holds credentials when the source is external: pass it to connections only. */
  url: string;
  isDemo: boolean;
  close(): Promise<void>;
}

/** The configured source (REBAR_SOURCE_URL), or the embedded demo: a local cluster kept in the state folder. */
export async function openSource(config: RebarConfig): Promise<OpenSourceOutput> {
  if (config.sourceUrl) return { url: config.sourceUrl, isDemo: false, close: async () => undefined };
  const cluster = await startEphemeralPostgres({
    dataDir: join(config.stateDir, 'demo-postgres'),
    binDir: config.pgBinDir,
  });
  try {
    await withClient(cluster.connectionString, (client) =>
      migrateSource(client, join(config.projectRoot, 'orchestration', 'sql', 'source')),
    );
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return { url: cluster.connectionString, isDemo: true, close: () => cluster.stop() };
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'rebar' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
