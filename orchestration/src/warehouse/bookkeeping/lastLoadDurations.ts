import type { LoadDuration } from '../../runs/extractStartOrder.js';
import type { Bookkeeping } from './bookkeeping.js';

/** Runs searched, newest first: a table not loaded in any of them counts as never loaded. */
const RUNS_SEARCHED = 30;

/**
 * How long each table's newest successful load took (_rebar.run_tables), over the last runs of any
 * kind: a run of some tables only (--tables) tells nothing about the others, so each table keeps
 * its own last figure. One definition for every warehouse.
 */
export async function readLastLoadDurations(bookkeeping: Bookkeeping): Promise<LoadDuration[]> {
  const { db, run } = bookkeeping;
  const recentRuns = db.selectFrom('runs').select('run_id').orderBy('started_at', 'desc').limit(RUNS_SEARCHED);
  const rows = await run(
    db
      .selectFrom('run_tables')
      .innerJoin('runs', 'runs.run_id', 'run_tables.run_id')
      .select(['run_tables.table_name', 'run_tables.duration_ms'])
      .where('run_tables.status', '=', 'success')
      .where('run_tables.run_id', 'in', recentRuns)
      .orderBy('runs.started_at', 'desc')
      .orderBy('run_tables.table_name'),
  );
  const newest = new Map<string, number>();
  for (const row of rows) {
    const table = String(row.table_name);
    if (!newest.has(table)) newest.set(table, Number(row.duration_ms));
  }
  return [...newest].map(([table, durationMs]) => ({ table, durationMs }));
}
