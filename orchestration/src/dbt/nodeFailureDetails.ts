import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedNodes, type ModelRunResult } from '../runs/runSummary.js';
import { type NodeDetail, nodeReason } from './dbtLogEvents.js';

/**
 * Each failed node with dbt's reason and its compiled SQL's path. The reason comes from the
 * RunResultError event; failing the log (a dbt that stopped early), from target/run_results.json;
 * a failed node never goes without one. A failing test keeps its "N failing rows".
 */
export function withFailureDetails(
  nodes: ModelRunResult[],
  details: readonly NodeDetail[],
  targetPath: string,
): ModelRunResult[] {
  const failed = new Set(failedNodes(nodes).map((node) => node.uniqueId));
  if (failed.size === 0) return nodes;
  const errors = new Map<string, string>();
  const paths = new Map<string, string>();
  for (const detail of details) {
    if (detail.error) errors.set(detail.uniqueId, detail.error);
    if (detail.compiledPath) paths.set(detail.uniqueId, detail.compiledPath);
  }
  const recorded = runResultMessages(targetPath);
  return nodes.map((node) => {
    if (!failed.has(node.uniqueId)) return node;
    const reason =
      node.message ||
      errors.get(node.uniqueId) ||
      recorded.get(node.uniqueId) ||
      `dbt reported ${node.status} without a reason; see ${join(targetPath, 'run_results.json')}`;
    return { ...node, message: reason, compiledPath: paths.get(node.uniqueId) ?? null };
  });
}

/** Per node, the message dbt wrote to run_results.json (empty when dbt wrote none). */
function runResultMessages(targetPath: string): Map<string, string> {
  const file = join(targetPath, 'run_results.json');
  const messages = new Map<string, string>();
  if (!existsSync(file)) return messages;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { results?: { unique_id?: unknown; message?: unknown }[] };
    for (const result of parsed.results ?? []) {
      if (typeof result.unique_id === 'string' && typeof result.message === 'string' && result.message.trim())
        messages.set(result.unique_id, nodeReason(result.message));
    }
  } catch {
    // A half-written artifact (dbt killed) holds nothing to add.
  }
  return messages;
}
