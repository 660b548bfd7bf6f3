import type { ModelRunResult } from '../runs/runSummary.js';

/** dbt events (at `--log-level info`) that report one finished node: model, test, unit test, seed, snapshot. */
const RESULT_EVENTS = new Set([
  'LogModelResult',
  'LogTestResult',
  'LogSeedResult',
  'LogSnapshotResult',
  'LogFunctionResult',
  'SkippingDetails',
]);

/**
 * dbt's `--log-format json` writes one JSON event a line. The Log*Result events carry one node's
 * result; everything else is progress chatter, kept only for error messages.
 */
export function parseNodeResult(line: string): ModelRunResult | undefined {
  const event = parseJson(line);
  if (!isRecord(event) || !isRecord(event.info) || !RESULT_EVENTS.has(String(event.info.name)) || !isRecord(event.data))
    return undefined;
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
    message:
      failures > 0
        ? `${failures} failing row${failures === 1 ? '' : 's'}`
        : typeof data.result_message === 'string'
          ? data.result_message
          : null,
  };
}

/**
 * How many nodes the whole command runs, as a finished node's event counts them ("37 of 120 OK"):
 * what the build selected, models, tests, seeds and snapshots together; undefined for other lines.
 */
export function parseNodeTotal(line: string): number | undefined {
  const event = parseJson(line);
  if (!isRecord(event) || !isRecord(event.info) || !RESULT_EVENTS.has(String(event.info.name)) || !isRecord(event.data))
    return undefined;
  return typeof event.data.total === 'number' ? event.data.total : undefined;
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

/**
 * The human-readable text of any dbt JSON log line, and the node it is about if any: lines about no
 * node (e.g. a parse or compilation failure of the whole project) are the build's own errors.
 */
export function eventMessage(line: string): { level: string; message: string; uniqueId?: string } | undefined {
  const event = parseJson(line);
  if (!isRecord(event) || !isRecord(event.info)) return undefined;
  const uniqueId =
    isRecord(event.data) && isRecord(event.data.node_info) && typeof event.data.node_info.unique_id === 'string'
      ? event.data.node_info.unique_id
      : undefined;
  return {
    level: String(event.info.level ?? 'info'),
    message: withoutColours(String(event.info.msg ?? '')),
    ...(uniqueId ? { uniqueId } : {}),
  };
}

/** What dbt says about a finished node after the run: why it failed (RunResultError) and where its compiled SQL is (SQLCompiledPath). */
export interface NodeDetail {
  uniqueId: string;
  error?: string;
  compiledPath?: string;
}

/** The reason or compiled SQL path dbt lists for a failed node at the end of a run; undefined for any other line. */
export function parseNodeDetail(line: string): NodeDetail | undefined {
  const event = parseJson(line);
  if (!isRecord(event) || !isRecord(event.info) || !isRecord(event.data) || !isRecord(event.data.node_info))
    return undefined;
  const uniqueId = event.data.node_info.unique_id;
  if (typeof uniqueId !== 'string') return undefined;
  if (event.info.name === 'RunResultError' && typeof event.data.msg === 'string')
    return { uniqueId, error: nodeReason(event.data.msg) };
  if (event.info.name === 'SQLCompiledPath' && typeof event.data.path === 'string')
    return { uniqueId, compiledPath: event.data.path };
  return undefined;
}

/** Lines of a node's reason kept: the database's own words and the SQL line it points at. */
export const NODE_REASON_LINES = 5;

/**
 * A node's error as a reader needs it: dbt's header ("Runtime Error in model x (models/x.sql)")
 * dropped, so the first line is the database's reason, and at most NODE_REASON_LINES lines.
 */
export function nodeReason(text: string): string {
  const lines = withoutColours(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  const body = lines.length > 1 && /^\s*\w+ Error in \w+ /.test(lines[0] ?? '') ? lines.slice(1) : lines;
  const indent = Math.min(...body.map((line) => /^\s*/.exec(line)?.[0].length ?? 0));
  return body
    .slice(0, NODE_REASON_LINES)
    .map((line) => line.slice(indent))
    .join('\n');
}

// ANSI colour codes are stripped, should a dbt version ignore --no-use-colors.
function withoutColours(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
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
