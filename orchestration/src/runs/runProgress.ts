/** Where a running load is, as its workflow answers the `progress` query (rebar status, rebar nightly's progress bar). */
export interface RunProgress {
  phase:
    | 'planning'
    | 'extracting'
    | 'pruning'
    | 'building'
    | 'checking the publish gate'
    | 'checking freshness'
    | 'recording'
    | 'publishing'
    | 'done';
  startedAt: string;
  kind: 'nightly' | 'backfill';
  tablesTotal: number;
  tablesDone: number;
  tablesFailed: number;
  rowsExtracted: number;
  /**
   * While dbt builds: nodes (models, tests, seeds, snapshots) finished of those the build selected.
   * Not the workflow's: the CLI adds them from the runDbtBuild activity's last heartbeat.
   */
  dbtNodesDone?: number;
  dbtNodesTotal?: number;
}

/** What the runDbtBuild activity heartbeats; total once dbt has finished its first node. */
export interface DbtBuildHeartbeat {
  finished: number;
  total?: number;
}

export const PROGRESS_QUERY = 'progress';
