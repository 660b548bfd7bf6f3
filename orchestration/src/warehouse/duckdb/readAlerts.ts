import type { DuckDBConnection } from '@duckdb/node-api';
import { ALERT_MESSAGE_MAX, type AlertsSummary } from '../../runs/alertsSummary.js';

/**
 * The open alerts in marts.fct_alerts: a count per alert_type and the first `limit` messages.
 * The listed ones are taken round-robin across types (each type's first, then each type's second,
 * ...), so one noisy type cannot hide the others behind the cap. A warehouse whose dbt selection
 * never built the model has no table: that is reported, not an error.
 */
export async function readAlerts(connection: DuckDBConnection, limit: number): Promise<AlertsSummary> {
  const exists = await connection.runAndReadAll(
    "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'fct_alerts'",
  );
  if (Number(exists.getRowsJS()[0]?.[0] ?? 0) === 0) {
    return {
      status: 'not_listed',
      reason: 'marts.fct_alerts does not exist in the warehouse (no dbt build has built it)',
    };
  }
  const counts = (
    await connection.runAndReadAll(
      'select alert_type, count(*) from marts.fct_alerts group by alert_type order by alert_type',
    )
  ).getRowsJS();
  const byType = Object.fromEntries(counts.map((row) => [String(row[0]), Number(row[1])]));
  const listed = await connection.runAndReadAll(
    `select alert_type, message from (
        select alert_type, coalesce(alert_message, alert_type) as message,
               row_number() over (partition by alert_type order by project_id, area_id nulls first, alert_id) as turn
          from marts.fct_alerts)
      order by turn, alert_type
      limit $1`,
    [limit],
  );
  const first = listed
    .getRowsJS()
    .map((row) => ({ alertType: String(row[0]), message: String(row[1]).slice(0, ALERT_MESSAGE_MAX) }));
  return { status: 'listed', total: counts.reduce((sum, row) => sum + Number(row[1]), 0), byType, first };
}
