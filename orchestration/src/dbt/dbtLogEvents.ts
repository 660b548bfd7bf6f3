import type { ModelRunResult } from '../runs/runSummary.js';

/**
 * dbt's `--log-format json` writes one JSON event a line. A `NodeFinished` event carries one
 * node's result; everything else is progress chatter, kept only for error messages.
 */
export function parseNodeFinished(line: string): ModelRunResult | undefined {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(event) || !isRecord(event.info) || event.info.name !== 'NodeFinished' || !isRecord(event.data)) return undefined;
  const nodeInfo = isRecord(event.data.node_info) ? event.data.node_info : {};
  const runResult = isRecord(event.data.run_result) ? event.data.run_result : {};
  const adapterResponse = isRecord(runResult.adapter_response) ? runResult.adapter_response : {};
  return {
    uniqueId: String(nodeInfo.unique_id ?? 'unknown'),
    resourceType: String(nodeInfo.resource_type ?? 'unknown'),
    status: String(runResult.status ?? nodeInfo.node_status ?? 'unknown'),
    durationSeconds: Number(runResult.execution_time ?? 0),
    rowsAffected: typeof adapterResponse.rows_affected === 'number' ? adapterResponse.rows_affected : null,
    message: typeof runResult.message === 'string' ? runResult.message : null,
  };
}

/** The human-readable text of any dbt JSON log line (for errors outside a node, e.g. a parse failure). */
export function eventMessage(line: string): { level: string; message: string } | undefined {
  try {
    const event = JSON.parse(line) as unknown;
    if (isRecord(event) && isRecord(event.info)) return { level: String(event.info.level ?? 'info'), message: String(event.info.msg ?? '') };
  } catch {
    // dbt prints the odd non-JSON line (e.g. Python warnings); ignore them.
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
