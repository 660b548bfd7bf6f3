import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';

/** A run publish refuses: no retry makes it the last build of the working warehouse. */
export class PublishRefusedError extends Error {
  override name = 'PublishRefusedError';
}

export interface LastBuild {
  runId: string;
  workflowId: string;
}

/**
 * Publishing is bound to the run that built and tested the working warehouse: the run whose row
 * recordRun wrote last (just before publishing), as a success. Any other run (an orphaned workflow
 * resumed beside a newer one, a retry of a run another has since replaced) would publish a state
 * it did not build or test, so it is refused. `working` is the catalog of the working file,
 * attached read-only by the caller, whose lock keeps writers out until the copy is done.
 */
export async function requireLastBuild(
  connection: DuckDBConnection,
  working: string,
  runId: string,
): Promise<LastBuild> {
  const runs = `${quoteIdent(working)}._rebar.runs`;
  const recorded = await connection.runAndReadAll(
    `select exists (select 1 from duckdb_tables() where database_name = $1 and schema_name = '_rebar' and table_name = 'runs') as has_runs`,
    [working],
  );
  if (recorded.getRowObjectsJS()[0]?.has_runs !== true)
    throw new PublishRefusedError(
      `run ${runId} is not recorded in the working warehouse (it has no run history); not published`,
    );
  const rows = await connection.runAndReadAll(
    `select run_id, workflow_id, status, (select count(*) from ${runs} where run_id = $1) as own_rows
       from ${runs} order by finished_at desc, started_at desc limit 1`,
    [runId],
  );
  const last = rows.getRowObjectsJS()[0];
  if (!last)
    throw new PublishRefusedError(`run ${runId} is not recorded in the working warehouse (no run is); not published`);
  if (last.run_id !== runId) {
    const since = Number(last.own_rows) > 0 ? 'recorded since' : `recorded last, and run ${runId} not at all`;
    throw new PublishRefusedError(
      `run ${runId} is not the last build of the working warehouse: run ${String(last.run_id)} ${since}; not published`,
    );
  }
  if (last.status !== 'success')
    throw new PublishRefusedError(
      `run ${runId} is recorded as ${String(last.status)} in the working warehouse, and only a successful build is published; not published`,
    );
  return { runId, workflowId: String(last.workflow_id) };
}
