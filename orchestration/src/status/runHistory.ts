import type { DuckDBConnection } from '@duckdb/node-api';
import { runReason } from './runReason.js';
import type { SourceFreshnessResult } from '../runs/sourceFreshness.js';

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

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(String(value)).toISOString());

/** The last runs, each table's last successful load and the newest freshness check, from _rebar in a DuckDB warehouse. */
export async function readRunHistory(connection: DuckDBConnection, limit: number): Promise<RunHistory> {
  const exists = async (table: string) =>
    (await connection.runAndReadAll(`select count(*) from information_schema.tables where table_schema = '_rebar' and table_name = '${table}'`)).getRowsJS()[0]?.[0] !== 0n;
  if (!(await exists('runs'))) return { runs: [], lastSuccessAt: null, tables: [], freshness: [], freshnessCheckedAt: null };
  const runs = (
    await connection.runAndReadAll(
      `select run_id, workflow_id, coalesce(summary->>'kind', 'nightly'), cast(started_at as varchar), cast(finished_at as varchar), status,
              coalesce(cast(summary->>'published' as boolean), false), rows_extracted, cast(summary as varchar)
         from _rebar.runs
        -- newest first; runs that started in the same instant in one fixed order (stable)
        order by started_at desc, finished_at desc, run_id desc limit ${Math.max(1, Math.floor(limit))}`,
    )
  ).getRowsJS();
  const lastSuccess = (await connection.runAndReadAll(`select cast(max(finished_at) as varchar) from _rebar.runs where status = 'success'`)).getRowsJS()[0]?.[0];
  const failures = (
    await connection.runAndReadAll(`select run_id, table_name, error from _rebar.run_tables where status = 'failed' order by table_name`)
  ).getRowsJS();
  const tables = (
    await connection.runAndReadAll(
      `with loads as (
         select run_tables.table_name, run_tables.status, run_tables.error, runs.finished_at,
                row_number() over (partition by run_tables.table_name order by runs.finished_at desc) as recency
           from _rebar.run_tables as run_tables
           join _rebar.runs as runs on runs.run_id = run_tables.run_id
       )
       select table_name,
              cast(max(finished_at) filter (where status = 'success') as varchar),
              max(status) filter (where recency = 1),
              max(error) filter (where recency = 1)
         from loads group by table_name order by table_name`,
    )
  ).getRowsJS();
  let freshness: SourceFreshnessResult[] = [];
  let freshnessCheckedAt: string | null = null;
  if (await exists('run_source_freshness')) {
    const rows = (
      await connection.runAndReadAll(
        `select table_name, status, cast(max_loaded_at as varchar), age_seconds, warn_after_seconds, error_after_seconds, cast(checked_at as varchar)
           from _rebar.run_source_freshness
          -- each table's latest check: a nightly checks only the tables it changed (docs/cost.md)
          qualify row_number() over (partition by table_name order by checked_at desc) = 1
          order by table_name`,
      )
    ).getRowsJS();
    freshness = rows.map((row) => ({
      table: String(row[0]),
      status: String(row[1]),
      maxLoadedAt: iso(row[2]),
      ageSeconds: row[3] === null ? null : Number(row[3]),
      warnAfterSeconds: row[4] === null ? null : Number(row[4]),
      errorAfterSeconds: row[5] === null ? null : Number(row[5]),
    }));
    freshnessCheckedAt = iso(rows.map((row) => String(row[6])).sort().at(-1));
  }
  return {
    lastSuccessAt: iso(lastSuccess),
    runs: runs.map((row) => ({
      runId: String(row[0]),
      workflowId: String(row[1]),
      kind: String(row[2]),
      startedAt: iso(row[3])!,
      finishedAt: iso(row[4])!,
      status: String(row[5]),
      published: row[6] === true,
      rowsExtracted: Number(row[7]),
      failedTables: failures.filter((failure) => failure[0] === row[0]).map((failure) => ({ table: String(failure[1]), error: String(failure[2] ?? '') })),
      reason: String(row[5]) === 'success' ? null : runReason(String(row[8] ?? '{}')),
    })),
    tables: tables.map((row) => ({ table: String(row[0]), lastLoadedAt: iso(row[1]), lastStatus: row[2] === null ? null : String(row[2]), lastError: row[3] === null ? null : String(row[3]) })),
    freshness,
    freshnessCheckedAt,
  };
}
