/** dbt's verdict on one source table: how long ago the loader last wrote a row to it, against its thresholds. */
export interface SourceFreshnessResult {
  table: string;
  /** pass, warn, error (past error_after), empty (no rows to date), or runtime error (the check itself failed). */
  status: string;
  /** The newest _rebar_loaded_at in raw.<table>; null when the table is empty or the check failed. */
  maxLoadedAt: string | null;
  ageSeconds: number | null;
  warnAfterSeconds: number | null;
  errorAfterSeconds: number | null;
}

/** What `dbt source freshness` found after a run's build; informational: it never fails the run. */
export type SourceFreshnessSummary =
  { status: 'checked'; checkedAt: string; tables: SourceFreshnessResult[] } | { status: 'not_checked'; reason: string };
