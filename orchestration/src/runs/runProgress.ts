/** Where a running load is, as its workflow answers the `progress` query (rebar status, rebar nightly's progress bar). */
export interface RunProgress {
  phase: 'planning' | 'extracting' | 'pruning' | 'building' | 'checking the publish gate' | 'checking freshness' | 'recording' | 'publishing' | 'done';
  startedAt: string;
  kind: 'nightly' | 'backfill';
  tablesTotal: number;
  tablesDone: number;
  tablesFailed: number;
  rowsExtracted: number;
}

export const PROGRESS_QUERY = 'progress';
