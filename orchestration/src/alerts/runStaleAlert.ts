import { ALERT_LINES_MAX, redactPayload, type RunStaleAlert } from './alertPayload.js';

/** What a staleness check found (e.g. `rebar status`): the input of buildRunStaleAlert. */
export interface StalenessAlertInput {
  /** When the last successful run finished (ISO 8601); null when none has yet. */
  lastSuccessAt: string | null;
  /** Data older than this is stale (twice the schedule interval). */
  staleAfterSeconds: number;
  /** Source tables whose last successful load is older than staleAfterSeconds. */
  staleTables: readonly StaleTable[];
  /** When the check ran (ISO 8601); now when absent. */
  checkedAt?: string;
}

export interface StaleTable {
  table: string;
  /** When the table last loaded successfully (ISO 8601); null or absent when never. */
  lastLoadedAt?: string | null;
}

/** The alert for stale data: how long since the last successful run, and which tables are behind. */
export function buildRunStaleAlert(input: StalenessAlertInput): RunStaleAlert {
  const checkedAt = input.checkedAt ?? new Date().toISOString();
  const listed = input.staleTables.slice(0, ALERT_LINES_MAX);
  const omitted = input.staleTables.length - listed.length;
  const threshold = formatDuration(input.staleAfterSeconds);

  const lastSuccess =
    input.lastSuccessAt === null
      ? 'No Rebar run has succeeded yet.'
      : `The last successful Rebar run finished ${input.lastSuccessAt}${ageSuffix(input.lastSuccessAt, checkedAt)}.`;
  const title =
    input.staleTables.length > 0
      ? `Rebar data is stale: ${input.staleTables.length} ${input.staleTables.length === 1 ? 'table' : 'tables'} not loaded within ${threshold}`
      : `Rebar data is stale: no successful run within ${threshold}`;
  const text = [
    `${title}.`,
    lastSuccess,
    ...listed.map(
      (table) => `• ${table.table}: ${table.lastLoadedAt ? `last loaded ${table.lastLoadedAt}` : 'never loaded'}`,
    ),
    ...(omitted > 0 ? [`… and ${omitted} more: see \`rebar status\`.`] : []),
  ].join('\n');

  return redactPayload({
    source: 'rebar',
    kind: 'run_stale',
    severity: 'warning',
    title,
    text,
    occurredAt: checkedAt,
    details: {
      lastSuccessAt: input.lastSuccessAt,
      staleAfterSeconds: input.staleAfterSeconds,
      staleTables: listed.map((table) => ({ table: table.table, lastLoadedAt: table.lastLoadedAt ?? null })),
      omitted,
    },
  });
}

/** " (30 h before this check)", or nothing when either time does not parse. */
function ageSuffix(since: string, checkedAt: string): string {
  const seconds = (Date.parse(checkedAt) - Date.parse(since)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? ` (${formatDuration(seconds)} before this check)` : '';
}

/** Whole days, hours or minutes, whichever reads best: "2 d", "36 h", "90 min". */
function formatDuration(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${Math.floor(seconds / 86_400)} d`;
  if (seconds >= 2 * 3_600) return `${Math.floor(seconds / 3_600)} h`;
  return `${Math.max(1, Math.floor(seconds / 60))} min`;
}
