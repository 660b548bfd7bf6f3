import type { Command } from 'commander';
import { buildRunStaleAlert } from '../../alerts/runStaleAlert.js';
import type { RebarConfig } from '../../config/config.js';
import { loadTablesConfig } from '../../kernel/tablesConfig.js';
import pg from 'pg';
import { readSlotState } from '../../cdc/replicationSlot.js';
import { sourcePassword } from '../../source/checkSource.js';
import { scrubSecrets } from '../../util/redact.js';
import type { RecordedRun } from '../../warehouse/bookkeeping/runHistory.js';
import { formatStatus, type SlotStatus, type StatusView } from '../../status/formatStatus.js';
import { listLiveRuns } from '../../status/liveRuns.js';
import { scheduleIntervalSeconds } from '../../status/scheduleInterval.js';
import { assessStaleness } from '../../status/staleness.js';
import { createSendAlert } from '../../temporal/activities/sendAlert.js';
import { createWarehouse } from '../../warehouse/createWarehouse.js';
import { positiveNumber } from '../options.js';
import { withTemporalClient } from './temporalClient.js';

export function registerStatusCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('status')
    .description(
      'What ran, what is running and how fresh each source table is; exits 1 when stale (no success within twice the schedule interval)',
    )
    .option('--runs <n>', 'how many recent runs to list', positiveNumber, 10)
    .option('--json', 'print JSON')
    .option('--notify', 'when stale, also post a run_stale alert to REBAR_ALERT_WEBHOOK_URL')
    .action(async (options: { runs: number; json?: boolean; notify?: boolean }) => {
      const settings = config();
      const now = new Date();
      const { history, from } = await createWarehouse(settings).runHistory(options.runs);
      const tables = loadTablesConfig(settings.tablesConfigPath);
      const report = assessStaleness(
        history,
        tables.map((table) => table.name),
        scheduleIntervalSeconds(settings.scheduleCron, settings.scheduleTimezone, now),
        now,
      );
      const view: StatusView = {
        report,
        runs: history.runs,
        live: await liveRuns(settings),
        historyFrom: from,
        ...(tables.some((table) => table.mode === 'cdc') ? { slot: await slotStatus(settings, history.runs) } : {}),
      };
      process.stdout.write(`${options.json ? JSON.stringify(view, null, 2) : formatStatus(view)}\n`);
      if (report.stale && options.notify) await notifyStale(settings, report);
      if (report.stale) process.exitCode = 1;
    });
}

async function liveRuns(settings: RebarConfig): Promise<StatusView['live']> {
  if (!settings.temporalAddress)
    return {
      unavailable: 'unknown: set TEMPORAL_ADDRESS to the Temporal server the workers use to see runs in progress',
    };
  try {
    return await withTemporalClient(settings, (client) => listLiveRuns(client));
  } catch (error) {
    return { unavailable: `unknown: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function slotStatus(settings: RebarConfig, runs: RecordedRun[]): Promise<SlotStatus> {
  const lastRun = runs.find((run) => run.replicationSlot);
  const base = {
    slot: settings.cdc.slot,
    limitBytes: settings.cdc.maxRetainedWalBytes,
    lastRun: lastRun?.replicationSlot ? { ...lastRun.replicationSlot, startedAt: lastRun.startedAt } : undefined,
  };
  if (!settings.sourceUrl) return { ...base, now: { unavailable: 'REBAR_SOURCE_URL is not set' } };
  const client = new pg.Client({ connectionString: settings.sourceUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const state = await readSlotState(client, settings.cdc.slot);
    return {
      ...base,
      now: state
        ? { retainedBytes: state.retainedBytes, unreadBytes: state.unreadBytes, walStatus: state.walStatus }
        : { unavailable: 'the slot does not exist (the next run creates it)' },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      now: { unavailable: scrubSecrets(message, [sourcePassword(settings.sourceUrl), settings.sourceUrl]) },
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function notifyStale(settings: RebarConfig, report: StatusView['report']): Promise<void> {
  if (!settings.alertWebhookUrl)
    throw new Error(
      '--notify needs REBAR_ALERT_WEBHOOK_URL: set it to the webhook that receives Rebar alerts (JSON POST)',
    );
  const payload = buildRunStaleAlert({
    lastSuccessAt: report.lastSuccessAt,
    staleAfterSeconds: report.staleAfterSeconds,
    staleTables: report.tables
      .filter((table) => table.stale)
      .map((table) => ({ table: table.table, lastLoadedAt: table.lastLoadedAt })),
    checkedAt: report.checkedAt,
  });
  // The worker's own sender: the same timeout, and the same scrubbing of every secret it knows.
  await createSendAlert({ config: settings, sourceUrl: settings.sourceUrl ?? '' })({ payload });
  process.stdout.write('Posted a run_stale alert to the alert webhook\n');
}
