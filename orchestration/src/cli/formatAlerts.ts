import type { AlertsSummary } from '../runs/alertsSummary.js';

/** The alerts block of the run summary: counts by type, then the listed alerts grouped by type. */
export function formatAlerts(alerts: AlertsSummary): string[] {
  if (alerts.status === 'not_listed') return [`Alerts: not listed: ${alerts.reason}.`];
  if (alerts.total === 0) return ['Alerts: none open (marts.fct_alerts is empty).'];
  const counts = Object.entries(alerts.byType)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const lines = [`Alerts: ${alerts.total} open (${counts}); from marts.fct_alerts:`];
  // Listed round-robin across types by the loader; shown grouped so each type reads as one block.
  const grouped = [...alerts.first].sort((left, right) => left.alertType.localeCompare(right.alertType));
  for (const alert of grouped) lines.push(`  ${alert.alertType.padEnd(24)} ${alert.message}`);
  const more = alerts.total - alerts.first.length;
  if (more > 0) lines.push(`  ... and ${more} more: select * from marts.fct_alerts`);
  return lines;
}
