import type { SlotReport } from '../../cdc/slotReport.js';
import { runReason } from '../../status/runReason.js';
import type { SourceFreshnessResult } from '../../runs/sourceFreshness.js';
import type { Bookkeeping } from './bookkeeping.js';

export interface RecordedRun {
  runId: string;
  workflowId: string;
  kind: string;
  startedAt: string;
  finishedAt: string;
  status: string;
  published: boolean;
  rowsExtracted: number;
  failedTables: { table: string; error: string }[];
  /** Why a failed or cancelled run did not succeed (runReason); null for a successful run. */
  reason: string | null;
  /** The replication slot as the run found and left it (runs with tables in mode cdc). */
  replicationSlot?: SlotReport;
}

export interface TableLoadHistory {
  table: string;
  /** When the newest run in which this table loaded successfully finished; null if it never did. */
  lastLoadedAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
}

export interface RunHistory {
  runs: RecordedRun[];
  /** When the newest successful run finished, however far back; null if none has. */
  lastSuccessAt: string | null;
  tables: TableLoadHistory[];
  /** Each source table's latest dbt source freshness (a nightly checks only the tables it changed); freshnessCheckedAt is the newest of those checks. */
  freshness: SourceFreshnessResult[];
  freshnessCheckedAt: string | null;
}

export const EMPTY_RUN_HISTORY: RunHistory = {
  runs: [],
  lastSuccessAt: null,
  tables: [],
  freshness: [],
  freshnessCheckedAt: null,
};

const iso = (epochMs: unknown) =>
  epochMs === null || epochMs === undefined ? null : new Date(Number(epochMs)).toISOString();
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

/**
 * The last runs, each table's last successful load and each table's newest freshness check, from
 * the _rebar tables (what `rebar status` shows). One definition for every warehouse; the caller
 * checks that _rebar.runs exists, and whether run_source_freshness does (files written before it existed lack it).
 */
export async function readRunHistory(
  bookkeeping: Bookkeeping,
  limit: number,
  hasFreshness = true,
): Promise<RunHistory> {
  const { db, run, epochMs } = bookkeeping;
  const runs = await run(
    db
      .selectFrom('runs')
      .select([
        'run_id',
        'workflow_id',
        'status',
        'rows_extracted',
        'summary',
        epochMs('started_at').as('started_ms'),
        epochMs('finished_at').as('finished_ms'),
      ])
      // newest first; runs that started in the same instant in one fixed order (stable)
      .orderBy('started_at', 'desc')
      .orderBy('finished_at', 'desc')
      .orderBy('run_id', 'desc')
      .limit(Math.max(1, Math.floor(limit))),
  );
  const lastSuccess = (
    await run(
      db
        .selectFrom('runs')
        .select(({ fn }) => fn.max(epochMs('finished_at')).as('finished_ms'))
        .where('status', '=', 'success'),
    )
  )[0];
  const failures = await run(
    db
      .selectFrom('run_tables')
      .select(['run_id', 'table_name', 'error'])
      .where('status', '=', 'failed')
      .orderBy('table_name'),
  );
  const loads = await run(
    db
      .selectFrom('run_tables')
      .innerJoin('runs', 'runs.run_id', 'run_tables.run_id')
      .select([
        'run_tables.table_name',
        'run_tables.status',
        'run_tables.error',
        epochMs('runs.finished_at').as('finished_ms'),
      ])
      .orderBy('run_tables.table_name')
      .orderBy('runs.finished_at', 'desc'),
  );
  const freshnessRows = !hasFreshness
    ? []
    : await run(
        db
          .selectFrom('run_source_freshness')
          .select([
            'table_name',
            'status',
            'age_seconds',
            'warn_after_seconds',
            'error_after_seconds',
            epochMs('max_loaded_at').as('max_loaded_ms'),
            epochMs('checked_at').as('checked_ms'),
          ])
          // each table's latest check first: a nightly checks only the tables it changed (docs/cost.md)
          .orderBy('table_name')
          .orderBy('checked_at', 'desc'),
      );
  const latestFreshness = firstPerTable(freshnessRows);
  return {
    lastSuccessAt: iso(lastSuccess?.finished_ms),
    runs: runs.map((row) => {
      const summaryText = typeof row.summary === 'string' ? row.summary : JSON.stringify(row.summary ?? {});
      const summary = JSON.parse(summaryText) as { kind?: string; published?: boolean; replicationSlot?: SlotReport };
      return {
        runId: String(row.run_id),
        workflowId: String(row.workflow_id),
        kind: summary.kind ?? 'nightly',
        startedAt: iso(row.started_ms)!,
        finishedAt: iso(row.finished_ms)!,
        status: String(row.status),
        published: summary.published === true,
        rowsExtracted: Number(row.rows_extracted),
        failedTables: failures
          .filter((failure) => failure.run_id === row.run_id)
          .map((failure) => ({ table: String(failure.table_name), error: String(failure.error ?? '') })),
        reason: String(row.status) === 'success' ? null : runReason(summaryText),
        ...(summary.replicationSlot ? { replicationSlot: summary.replicationSlot } : {}),
      };
    }),
    tables: firstPerTable(loads).map((latest) => {
      const successes = loads
        .filter((load) => load.table_name === latest.table_name && load.status === 'success')
        .map((load) => Number(load.finished_ms));
      return {
        table: String(latest.table_name),
        lastLoadedAt: successes.length > 0 ? iso(Math.max(...successes)) : null,
        lastStatus: textOrNull(latest.status),
        lastError: textOrNull(latest.error),
      };
    }),
    freshness: latestFreshness.map((row) => ({
      table: String(row.table_name),
      status: String(row.status),
      maxLoadedAt: iso(row.max_loaded_ms),
      ageSeconds: numberOrNull(row.age_seconds),
      warnAfterSeconds: numberOrNull(row.warn_after_seconds),
      errorAfterSeconds: numberOrNull(row.error_after_seconds),
    })),
    freshnessCheckedAt:
      latestFreshness.length > 0 ? iso(Math.max(...latestFreshness.map((row) => Number(row.checked_ms)))) : null,
  };
}

/** The first row of each table_name (rows ordered by table, newest first). */
function firstPerTable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.filter((row, index) => index === 0 || rows[index - 1]?.table_name !== row.table_name);
}
