import { failedRunMessage, failureReasons, type RunSummary } from '../runs/runSummary.js';

/**
 * Why a recorded run failed or was cancelled, from its summary: the reason the run recorded
 * (`failure`), else what its tables, models, retention and publish gate say. Runs recorded before
 * reasons were kept, with nothing failed in them, say that instead of staying silent.
 */
export function runReason(summaryJson: string): string {
  const summary = JSON.parse(summaryJson) as Partial<RunSummary>;
  if (summary.failure) return summary.failure;
  if (summary.cancelReason) return summary.cancelReason;
  const reasons = failureReasons(
    {
      tables: summary.tables ?? [],
      models: summary.models ?? [],
      retention: summary.retention ?? { pruned: [], error: null },
      publishGate: summary.publishGate,
    },
    [],
  );
  return reasons.length > 0
    ? failedRunMessage(reasons)
    : 'no reason recorded (the run was recorded before Rebar kept one)';
}
