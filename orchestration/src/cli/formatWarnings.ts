import { type ModelRunResult, warnedNodes } from '../runs/runSummary.js';

/** The dbt tests that warned: counted, then one line each (the test, the model it checks, how many rows). */
export function formatWarnings(models: readonly ModelRunResult[]): string[] {
  const warned = warnedNodes(models);
  if (warned.length === 0) return ['Warnings: none.'];
  return [
    `Warnings: ${warned.length} warning${warned.length === 1 ? '' : 's'} (unexpected values the marts carry as unknown or flagged; they do not block publishing, see docs/data-tests.md):`,
    ...warned.map(
      (node) =>
        `  WARN ${node.uniqueId}${node.attachedNode ? ` on ${node.attachedNode}` : ''}${node.message ? `: ${node.message}` : ''}`,
    ),
  ];
}
