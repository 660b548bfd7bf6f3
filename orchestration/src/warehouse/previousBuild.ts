import type { PreviousBuild } from '../runs/dbtBuildScope.js';
import type { RunSummary } from '../runs/runSummary.js';
import type { QueryRows } from './recordedNodeResults.js';

/** Runs read, newest first, looking for the last build and the last nightly build (backfills and --no-dbt runs between nightlies are skipped). */
const RUNS_SEARCHED = 20;

/** One recorded run as previousBuildOf reads it: its status and its summary (JSON text or an object). */
export interface RecordedRun {
  run_id: unknown;
  status: unknown;
  summary: unknown;
}

/**
 * From the run history (_rebar.runs): the dbt project fingerprint of the newest successful run that
 * recorded one (a nightly build), and the newest run that built or may have begun building the
 * models (every run but an extract-only one). One definition for every loader.
 */
export async function previousBuild(query: QueryRows, schema: string): Promise<PreviousBuild> {
  const runs = await query(
    `select run_id, status, summary from ${schema}.runs order by started_at desc limit ${RUNS_SEARCHED}`,
  );
  return previousBuildOf(runs as unknown as RecordedRun[]);
}

/** previousBuild over the newest runs, newest first. */
export function previousBuildOf(newestFirst: readonly RecordedRun[]): PreviousBuild {
  const runs = newestFirst.map((row) => ({
    runId: String(row.run_id),
    status: String(row.status),
    summary: (typeof row.summary === 'string' ? JSON.parse(row.summary) : row.summary) as Partial<RunSummary>,
  }));
  // A run that recorded itself extract-only never touched the models; any other run (a cancelled or
  // orphaned one records no models) may have rebuilt some of them before it stopped.
  const lastBuild = runs.find((run) => run.summary.extractOnly === undefined);
  const fingerprint = runs.find((run) => run.status === 'success' && run.summary.dbtBuild?.projectFingerprint)?.summary
    .dbtBuild?.projectFingerprint;
  return {
    projectFingerprint: fingerprint,
    lastRunFailed: lastBuild !== undefined && lastBuild.status !== 'success',
    ...(lastBuild ? { lastBuild: { runId: lastBuild.runId, status: lastBuild.status } } : {}),
  };
}
