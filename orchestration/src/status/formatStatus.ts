import type { LiveRun } from './liveRuns.js';
import type { RecordedRun } from '../warehouse/bookkeeping/runHistory.js';
import type { StatusReport } from './staleness.js';
import { megabytes, type SlotReport } from '../cdc/slotReport.js';

export interface StatusView {
  report: StatusReport;
  runs: RecordedRun[];
  live: LiveRun[] | { unavailable: string };
  historyFrom: string;
  /** Set when tables are in mode cdc: the WAL the source keeps for Rebar's slot, now and around the last run. */
  slot?: SlotStatus;
}

export interface SlotStatus {
  slot: string;
  limitBytes: number;
  /** Read from the source as status ran, or why it could not be. */
  now: { retainedBytes: number; unreadBytes: number; walStatus: string | null } | { unavailable: string };
  /** The newest recorded run that read the slot. */
  lastRun: (SlotReport & { startedAt: string }) | undefined;
}

const hours = (seconds: number) =>
  seconds >= 7200
    ? `${Math.round(seconds / 3600)} h`
    : seconds >= 120
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds)} s`;

/** `rebar status` for people: the verdict first, then what is running, the last runs and each source table. */
export function formatStatus(view: StatusView): string {
  const { report } = view;
  const lines = [
    report.stale
      ? `STALE: ${report.runStale ? `no run has succeeded within ${hours(report.staleAfterSeconds)} (twice the schedule interval)` : 'some source tables are behind'}; last success ${report.lastSuccessAt ?? 'never'}`
      : `OK: last successful run ${report.lastSuccessAt}, within ${hours(report.staleAfterSeconds)} (twice the schedule interval)`,
    `Run history from ${view.historyFrom}`,
    '',
    'Running now:',
  ];
  if ('unavailable' in view.live) lines.push(`  ${view.live.unavailable}`);
  else if (view.live.length === 0) lines.push('  nothing');
  else {
    for (const run of view.live) {
      const progress = run.progress
        ? `${run.progress.kind} ${run.progress.phase}: ${run.progress.tablesDone}/${run.progress.tablesTotal} tables, ${run.progress.rowsExtracted.toLocaleString('en-US')} rows extracted`
        : 'waiting for a worker';
      lines.push(
        `  ${run.workflowId} since ${run.startedAt}${run.scheduledBy ? ` (schedule ${run.scheduledBy})` : ''}: ${progress}`,
      );
    }
  }
  lines.push('', 'Last runs (newest first, by start time):');
  if (view.runs.length === 0) lines.push('  none recorded');
  for (const run of view.runs) {
    const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
    lines.push(
      `  ${run.startedAt} ${run.status.toUpperCase().padEnd(7)} ${run.kind.padEnd(8)} ${seconds.toFixed(1)} s, ${run.rowsExtracted.toLocaleString('en-US')} rows${run.published ? ', published' : ''}  ${run.workflowId}`,
    );
    if (run.reason !== null)
      lines.push(
        `      reason: ${run.reason.length > 1000 ? `${run.reason.slice(0, 1000)}… (rebar status --json has it whole)` : run.reason}`,
      );
  }
  lines.push('', 'Source tables (last successful load; dbt source freshness of the newest row, as of now):');
  for (const table of report.tables) {
    lines.push(
      `  ${table.stale ? 'STALE' : 'ok   '} ${table.table.padEnd(20)} loaded ${table.lastLoadedAt ?? 'never'}; freshness ${table.freshness}${table.newestRowAt ? ` (newest row ${table.newestRowAt})` : ''}${table.staleReasons.length > 0 ? ` - ${table.staleReasons.join('; ')}` : ''}`,
    );
  }
  if (view.slot) lines.push('', ...formatSlot(view.slot));
  return lines.join('\n');
}

/** The replication slot's WAL: what the source's disk keeps until the next run confirms it. */
function formatSlot(slot: SlotStatus): string[] {
  const now =
    'unavailable' in slot.now
      ? `unknown now (${slot.now.unavailable})`
      : `${slot.now.retainedBytes > slot.limitBytes ? 'OVER LIMIT: ' : ''}holds ${megabytes(slot.now.retainedBytes)} of WAL now, ${megabytes(slot.now.unreadBytes)} of it not read yet${slot.now.walStatus ? ` (wal_status ${slot.now.walStatus})` : ''}`;
  const lastRun = slot.lastRun
    ? `; the run of ${slot.lastRun.startedAt} found ${slot.lastRun.retainedBytesBefore === null ? 'no slot (created it)' : `${megabytes(slot.lastRun.retainedBytesBefore)} held (${megabytes(slot.lastRun.unreadBytesBefore ?? 0)} unread)`} and left ${megabytes(slot.lastRun.retainedBytesAfter)} held (${megabytes(slot.lastRun.unreadBytesAfter)} unread)`
    : '; no run has read it yet';
  return [
    `Replication slot ${slot.slot} (tables in mode cdc; limit ${megabytes(slot.limitBytes)}, REBAR_CDC_MAX_RETAINED_WAL_MB):`,
    `  ${now}${lastRun}`,
  ];
}
