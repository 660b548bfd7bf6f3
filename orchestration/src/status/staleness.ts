import type { SourceFreshnessResult } from '../runs/sourceFreshness.js';
import type { RunHistory } from '../warehouse/bookkeeping/runHistory.js';

export interface TableStatus {
  table: string;
  lastLoadedAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  /** dbt's freshness verdict as of now: the newest row's age recomputed against the table's thresholds. */
  freshness: 'pass' | 'warn' | 'error' | 'empty' | 'unknown';
  newestRowAt: string | null;
  stale: boolean;
  staleReasons: string[];
}

export interface StatusReport {
  checkedAt: string;
  scheduleIntervalSeconds: number;
  /** Twice the schedule interval: a run (or a table) that has not succeeded for longer is stale. */
  staleAfterSeconds: number;
  lastSuccessAt: string | null;
  runStale: boolean;
  tables: TableStatus[];
  stale: boolean;
}

/**
 * Stale means: no run has succeeded within twice the schedule interval; for a table, it has not
 * loaded successfully within that time, or its newest row is older than its dbt freshness
 * error_after threshold (recomputed now, not as of the last run).
 */
export function assessStaleness(
  history: RunHistory,
  configuredTables: string[],
  intervalSeconds: number,
  now: Date,
): StatusReport {
  const staleAfterSeconds = 2 * intervalSeconds;
  const ageOf = (at: string | null) =>
    at === null ? Number.POSITIVE_INFINITY : (now.getTime() - Date.parse(at)) / 1000;
  const { lastSuccessAt } = history;
  const runStale = ageOf(lastSuccessAt) > staleAfterSeconds;
  const names = [...new Set([...configuredTables, ...history.tables.map((table) => table.table)])].sort();
  const tables = names.map((table): TableStatus => {
    const loads = history.tables.find((candidate) => candidate.table === table);
    const checked = history.freshness.find((candidate) => candidate.table === table);
    const freshness = freshnessNow(checked, ageOf(checked?.maxLoadedAt ?? null));
    const staleReasons = [
      ...(ageOf(loads?.lastLoadedAt ?? null) > staleAfterSeconds
        ? [loads?.lastLoadedAt ? `no successful load since ${loads.lastLoadedAt}` : 'never loaded successfully']
        : []),
      ...(freshness === 'error'
        ? [
            `newest row loaded ${checked?.maxLoadedAt}, past dbt's error_after of ${Math.round((checked?.errorAfterSeconds ?? 0) / 3600)} h`,
          ]
        : []),
    ];
    return {
      table,
      lastLoadedAt: loads?.lastLoadedAt ?? null,
      lastStatus: loads?.lastStatus ?? null,
      lastError: loads?.lastError ?? null,
      freshness,
      newestRowAt: checked?.maxLoadedAt ?? null,
      stale: staleReasons.length > 0,
      staleReasons,
    };
  });
  return {
    checkedAt: now.toISOString(),
    scheduleIntervalSeconds: intervalSeconds,
    staleAfterSeconds,
    lastSuccessAt,
    runStale,
    tables,
    stale: runStale || tables.some((table) => table.stale),
  };
}

/** dbt's verdict for a table as of now: its newest row's current age against its thresholds. */
function freshnessNow(
  checked: SourceFreshnessResult | undefined,
  newestRowAgeSeconds: number,
): TableStatus['freshness'] {
  if (!checked || checked.status === 'runtime error') return 'unknown';
  if (checked.status === 'empty') return 'empty';
  if (checked.errorAfterSeconds !== null && newestRowAgeSeconds > checked.errorAfterSeconds) return 'error';
  if (checked.warnAfterSeconds !== null && newestRowAgeSeconds > checked.warnAfterSeconds) return 'warn';
  return 'pass';
}
