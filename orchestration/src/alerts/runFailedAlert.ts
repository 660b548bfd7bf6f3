import { failedNodes, failureReasons, type RunSummary } from '../runs/runSummary.js';
import { ALERT_LINES_MAX, clip, redactPayload, type RunFailedAlert } from './alertPayload.js';

export type FailedRunForAlert = Pick<
  RunSummary,
  'runId' | 'workflowId' | 'finishedAt' | 'tables' | 'models' | 'retention' | 'published' | 'publishGate'
>;

/**
 * The alert for a failed run: which tables failed and why, which dbt nodes failed (a test names the
 * model it checks). `dbtErrors` are the build's own error lines (RunDbtBuildOutput.errors), which
 * carry the database's reason that node results lack.
 */
export function buildRunFailedAlert(summary: FailedRunForAlert, dbtErrors: readonly string[] = []): RunFailedAlert {
  const failedTables = summary.tables.filter((table) => table.status === 'failed');
  const nodes = failedNodes(summary.models);
  const reasons = failureReasons(summary, dbtErrors).map(clip);
  const listed = reasons.slice(0, ALERT_LINES_MAX);
  const omitted = reasons.length - listed.length;

  const counts = [
    failedTables.length > 0 ? `${failedTables.length} of ${summary.tables.length} tables` : undefined,
    nodes.length > 0 ? `${nodes.length} dbt ${nodes.length === 1 ? 'node' : 'nodes'}` : undefined,
    summary.retention.error ? 'retention pruning' : undefined,
    summary.publishGate && summary.publishGate.status !== 'passed' ? 'publish gate' : undefined,
  ].filter((count) => count !== undefined);
  const title = `Rebar run failed${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  const text = [
    `${title} (workflow ${summary.workflowId}, run ${summary.runId}, finished ${summary.finishedAt}).`,
    // Readers care first whether what they query is still trustworthy.
    summary.published
      ? 'The warehouse was published.'
      : 'The published warehouse was left as it was; readers see the last successful run.',
    ...(listed.length > 0
      ? listed.map((reason) => `• ${reason}`)
      : ['No reason was recorded: see the run in the Temporal UI.']),
    ...(omitted > 0 ? [`… and ${omitted} more: see _rebar.run_tables and _rebar.run_models.`] : []),
  ].join('\n');

  return redactPayload({
    source: 'rebar',
    kind: 'run_failed',
    severity: 'error',
    title,
    text,
    runId: summary.runId,
    workflowId: summary.workflowId,
    occurredAt: summary.finishedAt,
    details: {
      failedTables: failedTables
        .slice(0, ALERT_LINES_MAX)
        .map((table) => ({ table: table.table, error: clip(table.error ?? 'failed') })),
      failedNodes: nodes.slice(0, ALERT_LINES_MAX).map((node) => ({
        uniqueId: node.uniqueId,
        resourceType: node.resourceType,
        status: node.status,
        attachedNode: node.attachedNode,
        message: node.message === null ? null : clip(node.message),
        compiledPath: node.compiledPath ?? null,
      })),
      retentionError: summary.retention.error === null ? null : clip(summary.retention.error),
      reasons: listed,
      omitted,
      tablesTotal: summary.tables.length,
      published: summary.published,
    },
  });
}
