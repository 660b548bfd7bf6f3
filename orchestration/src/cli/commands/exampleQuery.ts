import { DuckDBInstance } from '@duckdb/node-api';
import { formatRows } from '../formatRows.js';

/** The question an analyst asks first: which active projects burn fastest against budget right now. */
export const exampleSql = `select
    project.project_name,
    daily.date_day,
    daily.progress_pct,
    daily.burn_rate,
    daily.cumulative_cost,
    daily.is_behind_schedule,
    daily.is_over_budget
from marts.fct_project_daily as daily
inner join marts.dim_project as project on daily.project_version_key = project.project_version_key
where daily.date_day = (select max(date_day) from marts.fct_project_daily)
order by daily.burn_rate desc nulls last
limit 5`;

export async function exampleAnalystQuery(warehousePath: string): Promise<string> {
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(exampleSql);
    const rows = result.getRowObjectsJson();
    return `Example analyst query, on the published warehouse (Metabase or any DuckDB client can run it):\n\n${exampleSql}\n\n${formatRows(rows, result.columnNames())}`;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
