import type { AlertsSummary } from '../runs/alertsSummary.js';
import type { RunSummary } from '../runs/runSummary.js';
import { clip, redactPayload, type BusinessAlertsAlert } from './alertPayload.js';

export type SuccessfulRunForAlert = Pick<RunSummary, 'runId' | 'workflowId' | 'finishedAt'> & { alerts: AlertsSummary };

/**
 * The alert listing the open business alerts (marts.fct_alerts) after a successful run: counts by
 * type and the first messages. Undefined when there is nothing to send: none open, or not listed
 * (this run's dbt selection skipped the model, so the table may be yesterday's).
 */
export function buildBusinessAlertsAlert(summary: SuccessfulRunForAlert): BusinessAlertsAlert | undefined {
  const alerts = summary.alerts;
  if (alerts.status !== 'listed' || alerts.total === 0) return undefined;
  const first = alerts.first.map((alert) => ({ alertType: alert.alertType, message: clip(alert.message) }));
  const omitted = alerts.total - first.length;

  const counts = Object.entries(alerts.byType)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const title = `Rebar: ${alerts.total} open business ${alerts.total === 1 ? 'alert' : 'alerts'}`;
  // The loader lists round-robin across types; grouped here so each type reads as one block.
  const grouped = [...first].sort((left, right) => left.alertType.localeCompare(right.alertType));
  const text = [
    `${title} (${counts}) after run ${summary.runId}, finished ${summary.finishedAt}.`,
    ...grouped.map((alert) => `• ${alert.alertType}: ${alert.message}`),
    ...(omitted > 0 ? [`… and ${omitted} more: select * from marts.fct_alerts`] : []),
  ].join('\n');

  return redactPayload({
    source: 'rebar',
    kind: 'business_alerts',
    severity: 'warning',
    title,
    text,
    runId: summary.runId,
    workflowId: summary.workflowId,
    occurredAt: summary.finishedAt,
    details: { total: alerts.total, byType: alerts.byType, first, omitted },
  });
}
