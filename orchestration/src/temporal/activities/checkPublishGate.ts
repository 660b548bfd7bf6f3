import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { type ProjectNode, readProjectNodes } from '../../dbt/projectNodes.js';
import { judgePublishGate, latestResults, testsToRecheck, withRetestedResults } from '../../runs/publishGate.js';
import type { ModelRunResult } from '../../runs/runSummary.js';
import type { ActivityDeps } from './activityDeps.js';
import { runDbtInActivity } from './runDbtInActivity.js';
import type { CheckPublishGateInput, CheckPublishGateOutput } from './types.js';

/**
 * The dbt sources (source.<project>.<source>.<table>) the project's nodes read for these raw
 * tables, whatever the project and source are called (the demo's, or one `rebar init` wrote).
 */
function sourcesOf(project: readonly ProjectNode[], tables: readonly string[]): string[] {
  const read = new Set(project.flatMap((node) => node.dependsOn).filter((id) => id.startsWith('source.')));
  return [...read].filter((id) => tables.includes(id.split('.').slice(3).join('.')));
}

/**
 * The one publish gate for every kind of run. After a partial build (a backfill or --select) it
 * re-runs the data tests downstream of what the build rebuilt that the build did not run; then it
 * judges the warehouse: every node of the project it holds (dbt's manifest) must have a latest
 * result, from this run or the run history, that passed.
 */
export function createCheckPublishGate(deps: ActivityDeps) {
  return async function checkPublishGate(input: CheckPublishGateInput): Promise<CheckPublishGateOutput> {
    // Reading a large manifest and run history takes a while on a busy machine: keep telling Temporal this worker is alive.
    const beat = setInterval(() => Context.current().heartbeat(), 1000);
    try {
      return await judge(deps, input);
    } finally {
      clearInterval(beat);
    }
  };
}

/** Re-runs the tests whose data changed under them, then judges every node the warehouse holds. */
async function judge(deps: ActivityDeps, input: CheckPublishGateInput): Promise<CheckPublishGateOutput> {
  const manifestPath = join(deps.config.stateDir, 'dbt-target', input.runId, 'manifest.json');
  // The build wrote it; a build on another worker did not write it here, so parse the project.
  if (!existsSync(manifestPath))
    await runDbtInActivity(deps, {
      command: ['parse'],
      targetPath: join(deps.config.stateDir, 'dbt-target', input.runId),
    });
  if (!existsSync(manifestPath)) {
    return {
      gate: {
        status: 'not_checked',
        reason:
          "not published: the publish gate could not list the project's dbt nodes (dbt wrote no manifest.json); see the dbt errors above",
      },
      retested: [],
      errors: [],
    };
  }
  const project = readProjectNodes(manifestPath);
  const latest = latestResults(await deps.loader.latestNodeResults(), input, input.nodes);

  const changedSources = sourcesOf(project, input.changedTables);
  const recheck = testsToRecheck(project, latest, input.nodes, changedSources);
  let retested: ModelRunResult[] = [];
  let errors: string[] = [];
  if (recheck.length > 0) {
    const result = await runDbtInActivity(deps, {
      command: ['test', '--select', ...recheck.map((test) => test.name)],
      targetPath: join(deps.config.stateDir, 'dbt-target', `${input.runId}-retest`),
    });
    // A test dbt did not report (it stopped early) has not passed since its models changed.
    const reported = new Set(result.nodes.map((node) => node.uniqueId));
    const unreported = recheck
      .filter((test) => !reported.has(test.uniqueId))
      .map((test): ModelRunResult => ({
        uniqueId: test.uniqueId,
        resourceType: test.resourceType,
        status: 'not rechecked',
        durationSeconds: 0,
        attachedNode: null,
        message: 'dbt test did not report it',
      }));
    retested = [...result.nodes, ...unreported];
    errors = result.errors;
  }
  const judged = withRetestedResults(latest, input, retested);
  return { gate: judgePublishGate(project, judged, retested.length), retested, errors };
}
