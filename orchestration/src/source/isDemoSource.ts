import { withClient } from './demoSource.js';

/** The table the demo's migrations create (orchestration/sql/source/002_demo_clock.sql): it marks a database as a demo source. */
export const DEMO_MARKER_TABLE = 'public.demo_clock';

/**
 * Whether a database is a demo source: it holds public.demo_clock. A source that cannot be reached
 * counts as the demo, so the run goes ahead as before and fails in planLoad with the source's own
 * error (retried while it may come back), not here with a guess.
 */
export async function isDemoSource(url: string): Promise<boolean> {
  try {
    return await withClient(url, async (client) => {
      const found = await client.query<{ marker: string | null }>('select to_regclass($1)::text as marker', [
        DEMO_MARKER_TABLE,
      ]);
      return found.rows[0]?.marker !== null && found.rows[0]?.marker !== undefined;
    });
  } catch {
    return true;
  }
}
