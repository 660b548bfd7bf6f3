import type { PreviousBuild } from '../runs/dbtBuildScope.js';
import type { RunSummary } from '../runs/runSummary.js';
import type { QueryRows } from './recordedNodeResults.js';

/** Successful runs read, newest first, looking for the last nightly build (backfills and --no-dbt runs between nightlies are skipped). */
const RUNS_SEARCHED = 20;

/**
 * From the run history (_rebar.runs): the dbt project fingerprint of the newest successful run that
 * recorded one (a nightly build), and whether the newest run of all failed. One definition for every loader.
 */
export async function previousBuild(query: QueryRows, schema: string): Promise<PreviousBuild> {
  const newest = await query(`select status from ${schema}.runs order by started_at desc limit 1`);
  const lastRunFailed = newest.length > 0 && String(newest[0]?.status) !== 'success';
  const successful = await query(
    `select summary from ${schema}.runs where status = 'success' order by started_at desc limit ${RUNS_SEARCHED}`,
  );
  for (const row of successful) {
    const summary = (typeof row.summary === 'string' ? JSON.parse(row.summary) : row.summary) as Partial<RunSummary>;
    const fingerprint = summary.dbtBuild?.projectFingerprint;
    if (fingerprint) return { projectFingerprint: fingerprint, lastRunFailed };
  }
  return { projectFingerprint: undefined, lastRunFailed };
}
