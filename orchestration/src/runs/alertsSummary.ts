import type { ModelRunResult } from './runSummary.js';

/** The dbt model whose rows are the open alerts (grain: one row per open alert). */
export const ALERTS_MODEL = 'model.rebar.fct_alerts';
/** Alerts listed by message in a run summary; the rest are counted ("and N more"). */
export const ALERTS_LISTED = 20;
/** A message longer than this is cut: summaries travel through Temporal history and the terminal. */
export const ALERT_MESSAGE_MAX = 300;

export interface AlertLine {
  alertType: string;
  message: string;
}

/**
 * The open alerts after a run: counted by type, the first ALERTS_LISTED listed by message; or why
 * they were not listed (the model was not built by this run, so marts.fct_alerts is absent or stale).
 */
export type AlertsSummary =
  | { status: 'listed'; total: number; byType: Record<string, number>; first: AlertLine[] }
  | { status: 'not_listed'; reason: string };

/**
 * Why this run's alerts cannot be read, or undefined when they can: only a fully successful dbt
 * build that built the alerts model leaves a current marts.fct_alerts. A table left by an earlier
 * run (this run's --select excluded the model) would list yesterday's alerts as today's.
 */
export function alertsNotBuiltReason(dbtExitCode: number, nodes: readonly ModelRunResult[]): string | undefined {
  if (dbtExitCode !== 0) return 'the dbt build did not succeed';
  const model = nodes.find((node) => node.uniqueId === ALERTS_MODEL);
  if (!model) return "marts.fct_alerts is not part of this run's dbt selection";
  return model.status === 'success' ? undefined : `marts.fct_alerts ended ${model.status}`;
}
