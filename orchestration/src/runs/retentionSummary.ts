/** What retention pruning did to one raw table's rows of one category in a run. */
export interface RetentionPruneResult {
  table: string;
  category: string;
  retentionYears: number;
  /** Rows whose timestamp is before this instant (ISO, UTC) were pruned. */
  cutoff: string;
  rowsPruned: number;
}

export interface RetentionSummary {
  pruned: RetentionPruneResult[];
  /** Why pruning failed (raw is then as it was before pruning); null when it ran. */
  error: string | null;
}

export function totalPruned(retention: RetentionSummary): number {
  return retention.pruned.reduce((sum, result) => sum + result.rowsPruned, 0);
}
