import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

export interface MigrateSourceOutput {
  applied: string[];
}

/** Applies the demo source's SQL migrations in file-name order; each file is idempotent. */
export async function migrateSource(client: pg.ClientBase, migrationsDir: string): Promise<MigrateSourceOutput> {
  const files = readdirSync(migrationsDir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  for (const file of files) {
    await client.query(readFileSync(join(migrationsDir, file), 'utf8'));
  }
  return { applied: files };
}
