import { join } from 'node:path';
import pg from 'pg';
import { findProjectRoot } from '../../orchestration/src/config/projectRoot.js';
import { generateSource } from '../../orchestration/src/source/generator/index.js';
import { migrateSource } from '../../orchestration/src/source/migrate.js';
import type { BenchResults } from './report.js';

const ROWS_PER_SCALE_YEAR = 1_410_000; // `rebar generate --scale 1 --years 1` writes about this many rows

/** The demo source's schema filled with about `rows` generated rows over `years`, ending yesterday. */
export async function fillSource(url: string, rows: number, years: number): Promise<BenchResults['source']> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrateSource(client, join(findProjectRoot(), 'orchestration', 'sql', 'source'));
    const endDate = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const generated = await generateSource(client, {
      scale: rows / (ROWS_PER_SCALE_YEAR * years),
      years,
      seed: 42,
      endDate,
    });
    await client.query('vacuum analyze');
    return { rows: generated.totalRows, years, tables: generated.rowsByTable };
  } finally {
    await client.end();
  }
}
