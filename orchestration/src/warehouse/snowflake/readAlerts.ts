import { ALERT_MESSAGE_MAX, type AlertsSummary } from '../../runs/alertsSummary.js';
import type { SnowflakeSession } from './connection.js';

/**
 * The open alerts in MARTS.FCT_ALERTS: a count per alert_type and the first `limit` messages,
 * taken round-robin across types (the SQL port of the DuckDB loader's readAlerts). A warehouse
 * whose dbt selection never built the model has no table: that is reported, not an error.
 */
export async function readAlerts(session: SnowflakeSession, limit: number): Promise<AlertsSummary> {
  const exists = await session.query(
    "select count(*) as n from information_schema.tables where table_schema = 'MARTS' and table_name = 'FCT_ALERTS'",
  );
  if (Number(exists[0]?.N ?? 0) === 0) {
    return {
      status: 'not_listed',
      reason: 'marts.fct_alerts does not exist in the warehouse (no dbt build has built it)',
    };
  }
  const counts = await session.query(
    'select alert_type, count(*) as n from marts.fct_alerts group by alert_type order by alert_type',
  );
  const byType = Object.fromEntries(counts.map((row) => [String(row.ALERT_TYPE), Number(row.N)]));
  const listed = await session.query(
    `select alert_type, message from (
        select alert_type, coalesce(alert_message, alert_type) as message,
               row_number() over (partition by alert_type order by project_id, area_id nulls first, alert_id) as turn
          from marts.fct_alerts) as alerts
      order by turn, alert_type
      limit ?`,
    [limit],
  );
  const first = listed.map((row) => ({
    alertType: String(row.ALERT_TYPE),
    message: String(row.MESSAGE).slice(0, ALERT_MESSAGE_MAX),
  }));
  return { status: 'listed', total: counts.reduce((sum, row) => sum + Number(row.N), 0), byType, first };
}
