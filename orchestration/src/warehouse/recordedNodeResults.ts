import { describeRun, type RecordedNodeResult } from '../runs/publishGate.js';
import type { RunSummary } from '../runs/runSummary.js';

/** Rows of a query, column names lower-cased (Snowflake returns them upper-case). */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * The latest recorded result of every dbt node, from the run history (_rebar.run_models, the
 * newest run that ran the node), each with the run that left it: one definition for every loader.
 */
export async function recordedNodeResults(query: QueryRows, schema: string): Promise<RecordedNodeResult[]> {
  const latest = await query(`
    select unique_id, status, attached_node, message, run_id
      from (select models.unique_id, models.status, models.attached_node, models.message, models.run_id,
                   row_number() over (partition by models.unique_id order by runs.started_at desc, models.run_id desc) as turn
              from ${schema}.run_models as models
             inner join ${schema}.runs as runs on runs.run_id = models.run_id) as ranked
     where turn = 1`);
  const runIds = [...new Set(latest.map((row) => String(row.run_id)))];
  const runs = new Map<string, { workflowId: string; description: string }>();
  if (runIds.length > 0) {
    const list = runIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
    for (const row of await query(
      `select run_id, workflow_id, summary from ${schema}.runs where run_id in (${list})`,
    )) {
      const summary = JSON.parse(String(row.summary)) as Partial<RunSummary>;
      runs.set(String(row.run_id), {
        workflowId: String(row.workflow_id),
        description: describeRun(summary.kind, summary.dbtSelect, summary.backfill),
      });
    }
  }
  return latest.map((row) => {
    const run = runs.get(String(row.run_id));
    return {
      uniqueId: String(row.unique_id),
      status: String(row.status),
      attachedNode: row.attached_node === null || row.attached_node === undefined ? null : String(row.attached_node),
      message: row.message === null || row.message === undefined ? null : String(row.message),
      runId: String(row.run_id),
      workflowId: run?.workflowId ?? 'unknown',
      runDescription: run?.description ?? 'an unrecorded run',
    };
  });
}

/** Lower-cases a row's column names. */
export function lowerCaseKeys(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key.toLowerCase(), value]));
}
