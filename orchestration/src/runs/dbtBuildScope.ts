/**
 * What a run's dbt build covered, and why: cost follows the work. A nightly builds only what the
 * tables it changed feed; the whole project on its first build, when the project's files changed
 * since the last successful build, after a run that did not succeed, or when asked (--full-refresh,
 * --select, which builds exactly the selection).
 */
export interface DbtBuildScope {
  /** full: the whole project (or the user's --select); changed: downstream of the changed tables; skipped: no dbt build at all. */
  scope: 'full' | 'changed' | 'skipped';
  /** One line for the run summary, e.g. "only what crew_checkins feeds (the other tables did not change)". */
  reason: string;
  /** The dbt selector built, when not the whole project. */
  select?: string;
  /**
   * Resource types the build leaves out. A changed-tables build leaves out unit tests: they test the
   * models' SQL on fixed inputs, not the data, and the project is the one the last whole-project
   * build ran them on (its fingerprint is unchanged), so their results from then still stand.
   */
  excludeResourceTypes?: string[];
  /**
   * The project's fingerprint (dbt/projectFingerprint.ts) this build used; recorded in _rebar.runs
   * with the run so that the next nightly knows whether the project changed since it. Absent for
   * builds that do not stand for the whole project (--select, backfills).
   */
  projectFingerprint?: string;
}

/**
 * The fingerprint of the last successful nightly's build, and whether the newest run that built (or
 * may have started building) the dbt project did not succeed. Extract-only runs (--no-dbt, `rebar
 * load`) do not count: they leave the models as the run before them left them, so a failed or
 * interrupted build stays the last word on the models until a run builds them again.
 */
export interface PreviousBuild {
  projectFingerprint: string | undefined;
  lastRunFailed: boolean;
  /** That newest building run, when one is recorded. */
  lastBuild?: { runId: string; status: string };
}

/** Table names dbt's `source:` selector can name as they are (no dots or glob characters). */
const SELECTABLE = /^[A-Za-z0-9_]+$/;

/**
 * The nightly's scope from what it changed and what was built before. `source:*.<table>+` names the
 * table in whatever source the project declares it (the demo's rebar_source, or the one `rebar init` wrote).
 */
export function nightlyBuildScope(
  changedTables: readonly string[],
  fingerprint: string,
  previous: PreviousBuild,
): DbtBuildScope {
  const full = (reason: string): DbtBuildScope => ({ scope: 'full', reason, projectFingerprint: fingerprint });
  if (previous.projectFingerprint === undefined)
    return full('the whole project: no earlier successful build recorded its dbt project');
  if (previous.projectFingerprint !== fingerprint)
    return full('the whole project: the dbt project changed since the last successful build');
  if (previous.lastRunFailed) return full('the whole project: the last run did not succeed');
  if (changedTables.length === 0)
    return {
      scope: 'skipped',
      reason: 'no dbt build: no source table changed, so every model and test stands as last built',
      projectFingerprint: fingerprint,
    };
  const unselectable = changedTables.filter((table) => !SELECTABLE.test(table));
  if (unselectable.length > 0) return full(`the whole project: dbt's selector cannot name ${unselectable.join(', ')}`);
  const names = [...changedTables].sort();
  return {
    scope: 'changed',
    reason: `only what ${names.join(', ')} feed${names.length === 1 ? 's' : ''} (no other source table changed)`,
    select: names.map((table) => `source:*.${table}+`).join(' '),
    excludeResourceTypes: ['unit_test'],
    projectFingerprint: fingerprint,
  };
}
