import type { ModelRunResult } from '../runs/runSummary.js';

/** dbt events (at `--log-level info`) that report one finished node: model, test, unit test, seed, snapshot. */
const RESULT_EVENTS = new Set(['LogModelResult', 'LogTestResult', 'LogSeedResult', 'LogSnapshotResult', 'LogFunctionResult', 'SkippingDetails']);

/**
 * dbt's `--log-format json` writes one JSON event a line. The Log*Result events carry one node's
 * result; everything else is progress chatter, kept only for error messages.
 */
export function parseNodeResult(line: string): ModelRunResult | undefined {
  const event = parseJson(line);
  if (!isRecord(event) || !isRecord(event.info) || !RESULT_EVENTS.has(String(event.info.name)) || !isRecord(event.data)) return undefined;
  const data = event.data;
  const nodeInfo = isRecord(data.node_info) ? data.node_info : {};
  const uniqueId = String(nodeInfo.unique_id ?? 'unknown');
  const failures = typeof data.num_failures === 'number' ? data.num_failures : 0;
  return {
    uniqueId,
    resourceType: String(nodeInfo.resource_type ?? uniqueId.split('.')[0]),
    status: event.info.name === 'SkippingDetails' ? 'skipped' : nodeStatus(data.status, nodeInfo.node_status),
    durationSeconds: Number(data.execution_time ?? 0),
    attachedNode: typeof data.attached_node === 'string' && data.attached_node !== '' ? data.attached_node : null,
    message: failures > 0 ? `${failures} failing row${failures === 1 ? '' : 's'}` : typeof data.result_message === 'string' ? data.result_message : null,
  };
}

/**
 * dbt reports models as "OK"/"ERROR" on DuckDB, "SUCCESS 1" (the adapter's response) on Snowflake, and
 * tests as "pass"/"fail"/"warn"; normalise to the node status words.
 */
function nodeStatus(status: unknown, fallback: unknown): string {
  const text = String(status ?? fallback ?? 'unknown').toLowerCase();
  if (text === 'ok' || /^success\b/.test(text)) return 'success';
  return text;
}

/** The human-readable text of any dbt JSON log line (for errors outside a node, e.g. a parse failure). */
export function eventMessage(line: string): { level: string; message: string } | undefined {
  const event = parseJson(line);
  // ANSI colour codes are stripped, should a dbt version ignore --no-use-colors.
  if (isRecord(event) && isRecord(event.info)) return { level: String(event.info.level ?? 'info'), message: String(event.info.msg ?? '').replace(/\u001b\[[0-9;]*m/g, '') };
  return undefined;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // dbt prints the odd non-JSON line (e.g. Python warnings); ignore them.
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
