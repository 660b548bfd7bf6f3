import { nodesReading, type ProjectNode } from '../dbt/projectNodes.js';
import type { ModelRunResult } from './runSummary.js';

/** A dbt node's latest recorded result in this warehouse, and the run that left it. */
export interface RecordedNodeResult {
  uniqueId: string;
  status: string;
  attachedNode: string | null;
  message: string | null;
  runId: string;
  workflowId: string;
  /** 'a full nightly build', 'a backfill of …', 'a --select … run', or 'this run'. */
  runDescription: string;
}

/** A node that keeps the warehouse from being published. */
export interface BlockingNode {
  uniqueId: string;
  resourceType: string;
  /** Its latest status (fail, error, skipped, …), or 'never run' for a test on models the warehouse holds. */
  status: string;
  attachedNode: string | null;
  message: string | null;
  runId: string | null;
  workflowId: string | null;
  runDescription: string | null;
}

/**
 * The publish gate's verdict: the warehouse is published only when every dbt node it holds has a
 * latest result that passed (warnings pass). Models never built are not in the warehouse and are
 * only counted; so are the tests on them.
 */
export type PublishGateSummary =
  | { status: 'passed'; nodesChecked: number; neverBuilt: number; retested: number }
  | {
      status: 'refused';
      nodesChecked: number;
      neverBuilt: number;
      retested: number;
      blocking: BlockingNode[];
      reason: string;
    }
  | { status: 'not_checked'; reason: string };

const PASSING = new Set(['success', 'pass', 'warn']);
const CAUSES = new Set(['fail', 'error', 'runtime error']);
const MATERIALIZED = new Set(['model', 'seed', 'snapshot']);
const LISTED = 10;

/** What `--select` and `rebar backfill` built, for naming the run that left a node failing. */
export function describeRun(
  kind: string | null | undefined,
  dbtSelect: string | null | undefined,
  backfill: { from: string; to: string } | null | undefined,
): string {
  if (kind === 'backfill')
    return `a backfill of ${backfill?.from ?? '?'} .. ${backfill?.to ?? '?'}${dbtSelect ? ` (--select ${dbtSelect})` : ''}`;
  return dbtSelect ? `a --select ${dbtSelect} run` : 'a full nightly build';
}

/** This run's results over the recorded ones: the latest result of each node. */
export function latestResults(
  recorded: readonly RecordedNodeResult[],
  run: { runId: string; workflowId: string },
  nodes: readonly ModelRunResult[],
): Map<string, RecordedNodeResult> {
  const latest = new Map(
    recorded.filter((result) => result.runId !== run.runId).map((result) => [result.uniqueId, result]),
  );
  for (const node of nodes) {
    latest.set(node.uniqueId, {
      uniqueId: node.uniqueId,
      status: node.status,
      attachedNode: node.attachedNode,
      message: node.message,
      runId: run.runId,
      workflowId: run.workflowId,
      runDescription: 'this run',
    });
  }
  return latest;
}

/** The gate's re-run tests over the latest results (this run's build included). */
export function withRetestedResults(
  latest: ReadonlyMap<string, RecordedNodeResult>,
  run: { runId: string; workflowId: string },
  retested: readonly ModelRunResult[],
): Map<string, RecordedNodeResult> {
  const judged = new Map(latest);
  for (const [uniqueId, result] of latestResults([], run, retested)) judged.set(uniqueId, result);
  return judged;
}

/**
 * The nodes the warehouse holds: every model, seed and snapshot any run has attempted, and every
 * test whose models are among them. A model never attempted is absent, not broken.
 */
function inWarehouse(
  project: readonly ProjectNode[],
  latest: ReadonlyMap<string, RecordedNodeResult>,
): { held: ProjectNode[]; neverBuilt: number } {
  const projectIds = new Set(project.map((node) => node.uniqueId));
  const absent = new Set(
    project
      .filter((node) => MATERIALIZED.has(node.resourceType) && !latest.has(node.uniqueId))
      .map((node) => node.uniqueId),
  );
  const held = project.filter(
    (node) =>
      !absent.has(node.uniqueId) && !node.dependsOn.some((parent) => projectIds.has(parent) && absent.has(parent)),
  );
  return { held, neverBuilt: absent.size };
}

/**
 * Tests to run again after a partial build (a backfill, --select): those whose data changed under
 * them (they read, directly or through views, a node the build rebuilt or a source table this run
 * wrote to) that the build did not run itself, on models the warehouse holds.
 */
export function testsToRecheck(
  project: readonly ProjectNode[],
  latest: ReadonlyMap<string, RecordedNodeResult>,
  nodes: readonly ModelRunResult[],
  changedSources: readonly string[],
): ProjectNode[] {
  const rebuilt = nodes
    .filter((node) => MATERIALIZED.has(node.resourceType) && node.status === 'success')
    .map((node) => node.uniqueId);
  const ran = new Set(nodes.map((node) => node.uniqueId));
  const affected = nodesReading(project, [...rebuilt, ...changedSources]);
  return inWarehouse(project, latest).held.filter(
    (node) => node.resourceType === 'test' && affected.has(node.uniqueId) && !ran.has(node.uniqueId),
  );
}

/** Whether the warehouse may be published: every node it holds has a latest result that passed. */
export function judgePublishGate(
  project: readonly ProjectNode[],
  latest: ReadonlyMap<string, RecordedNodeResult>,
  retested: number,
): PublishGateSummary {
  const { held, neverBuilt } = inWarehouse(project, latest);
  const blocking: BlockingNode[] = [];
  for (const node of held) {
    const result = latest.get(node.uniqueId);
    if (result && PASSING.has(result.status)) continue;
    blocking.push({
      uniqueId: node.uniqueId,
      resourceType: node.resourceType,
      status: result?.status ?? 'never run',
      // dbt names the model only for generic tests; a singular test checks what it reads.
      attachedNode: result?.attachedNode ?? (node.resourceType === 'test' ? node.dependsOn.join(', ') || null : null),
      message: result?.message ?? null,
      runId: result?.runId ?? null,
      workflowId: result?.workflowId ?? null,
      runDescription: result?.runDescription ?? null,
    });
  }
  if (blocking.length === 0) return { status: 'passed', nodesChecked: held.length, neverBuilt, retested };
  // Causes first (failed tests, errors), then nodes never re-run, then those skipped because of them.
  blocking.sort((left, right) => blockingRank(left.status) - blockingRank(right.status));
  return {
    status: 'refused',
    nodesChecked: held.length,
    neverBuilt,
    retested,
    blocking,
    reason: refusalReason(blocking, held.length),
  };
}

function blockingRank(status: string): number {
  if (status === 'skipped') return 2;
  return CAUSES.has(status) ? 0 : 1;
}

/** Names each failing node and the run that left it so, then what to run. */
function refusalReason(blocking: readonly BlockingNode[], checked: number): string {
  const lines = blocking.slice(0, LISTED).map((node) => {
    const on = node.attachedNode ? ` on ${node.attachedNode}` : '';
    // The reason's first line: a recorded message goes on with the failed node's compiled SQL path.
    const reason = node.message?.split('\n')[0]?.trim();
    const detail = reason ? ` (${reason})` : '';
    const where =
      node.runId === null
        ? ''
        : node.runDescription === 'this run'
          ? ' in this run'
          : ` since run ${node.runId} (workflow ${node.workflowId}, ${node.runDescription})`;
    return `${node.resourceType} ${node.uniqueId}${on}: ${node.status}${detail}${where}`;
  });
  const skipped = blocking.slice(LISTED).filter((node) => node.status === 'skipped').length;
  const more =
    blocking.length > LISTED
      ? `; and ${blocking.length - LISTED} more${skipped > 0 ? ` (${skipped} skipped because of the above)` : ''}, see _rebar.run_models`
      : '';
  return (
    `not published: ${blocking.length} of ${checked} dbt nodes in the warehouse have not passed, and readers must only see a warehouse whose every model and test passed: ${lines.join('; ')}${more}. ` +
    'Fix the cause, then run `rebar nightly` (it builds and tests the whole project and publishes when all of it passes)'
  );
}
