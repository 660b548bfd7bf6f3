/**
 * One Rebar nightly run, as `rebar nightly` runs it (local Temporal dev server, in-process worker,
 * loader, dbt build, publish), configured from the environment like the CLI. Run as a child of the
 * benchmark so its time and memory are its own; prints one JSON line with the run's figures.
 */
import { loadConfig } from '../../orchestration/src/config/config.js';
import { runNightly } from '../../orchestration/src/cli/commands/nightly.js';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';

export interface RebarRunResult {
  status: string;
  /** When the workflow started (its extract phase follows at once). */
  startedAt: string;
  rowsExtracted: number;
  rowsWritten: number;
  bytes: number;
  phaseSeconds: { extract: number; prune: number; dbt: number; freshness?: number };
  modelsBuilt: number;
  /** This process's start (before Node loaded Rebar), the workflow's recorded end (before publishing), and when the command returned. */
  processStartedAt: number;
  finishedAt: string;
  returnedAt: number;
  /** What dbt built: full, changed (only downstream of the changed tables) or skipped. */
  dbtScope: string;
  /** The longest content check of the run (seconds, inside that table's extraction) and its table; null when none ran. */
  longestContentCheck: { table: string; seconds: number } | null;
  failure: string | null;
  /** The replication slot as the run found and left it (tables in mode cdc). */
  replicationSlot: RunSummary['replicationSlot'] | null;
}

const config = loadConfig();
const { summary, failure } = await runNightly({
  config,
  workflow: {},
  demo: { scale: 1, years: 1, seed: 42, simulate: false },
  log: () => undefined,
});
const result: RebarRunResult = {
  status: summary.status,
  startedAt: summary.startedAt,
  rowsExtracted: summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0),
  rowsWritten: summary.tables.reduce((sum, table) => sum + table.rowsWritten, 0),
  bytes: summary.tables.reduce((sum, table) => sum + table.bytes, 0),
  phaseSeconds: summary.phaseSeconds ?? { extract: 0, prune: 0, dbt: 0 },
  modelsBuilt: summary.models.filter((model) => model.resourceType === 'model' && model.status === 'success').length,
  failure: failure ?? null,
  replicationSlot: summary.replicationSlot ?? null,
  processStartedAt: Math.round(performance.timeOrigin),
  finishedAt: summary.finishedAt,
  returnedAt: Date.now(),
  dbtScope: summary.dbtBuild?.scope ?? 'full',
  longestContentCheck: summary.tables.reduce<RebarRunResult['longestContentCheck']>(
    (longest, table) =>
      table.contentCheckMs !== undefined && table.contentCheckMs / 1000 > (longest?.seconds ?? -1)
        ? { table: table.table, seconds: table.contentCheckMs / 1000 }
        : longest,
    null,
  ),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
