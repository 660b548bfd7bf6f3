import { totalPruned, type RetentionSummary } from '../runs/retentionSummary.js';

/** The retention block of the run summary: per table and category, the cutoff applied and the rows pruned. */
export function formatRetention(retention: RetentionSummary): string[] {
  if (retention.error) return [`Retention pruning FAILED (raw rows left as they were): ${retention.error}`];
  if (retention.pruned.length === 0) return ['Retention: no table in this run has a retention policy.'];
  const lines = [
    `Retention: ${totalPruned(retention)} raw rows past their category's retention pruned (policy: seeds/event_retention_policy.csv; history: _rebar.retention_prunes):`,
  ];
  for (const result of retention.pruned) {
    const cutoff = `${result.cutoff.slice(0, 16).replace('T', ' ')} UTC`;
    lines.push(
      `  ${result.table.padEnd(20)} ${result.category.padEnd(16)} ${`${result.retentionYears} y`.padStart(5)}  older than ${cutoff}  ${String(result.rowsPruned).padStart(10)} pruned`,
    );
  }
  return lines;
}
