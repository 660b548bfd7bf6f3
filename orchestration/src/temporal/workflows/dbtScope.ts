/** What a run asks dbt to build. */
export interface DbtScopeInput {
  /** A dbt selector given by the user; the whole project when absent (or, for a backfill, what it read). */
  select?: string;
  /** Rebuild incremental models from everything raw holds. */
  fullRefresh?: boolean;
  backfill: boolean;
}

/**
 * What dbt builds: the selector given, else for a backfill only the models downstream of the tables
 * it read. Incremental models rebuild whatever the backfill rewrote, however old: they select by
 * load time (_rebar_loaded_at), not by a date window. A plain nightly (changedTables given: no
 * --select, no --full-refresh) hands the activity the tables it changed: it builds only what they
 * feed, or the whole project when the project changed (runs/dbtBuildScope.ts).
 */
export function dbtScope(
  input: DbtScopeInput,
  loadedTables: string[],
  changedTables?: string[],
): { select?: string; fullRefresh?: boolean; changedTables?: string[] } {
  const fullRefresh = input.fullRefresh ? { fullRefresh: true } : {};
  if (!input.backfill) {
    if (changedTables !== undefined && input.select === undefined && !input.fullRefresh) return { changedTables };
    return { select: input.select, ...fullRefresh };
  }
  return {
    select: input.select ?? loadedTables.map((table) => `source:rebar_source.${table}+`).join(' '),
    ...fullRefresh,
  };
}
