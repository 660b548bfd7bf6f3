import { join } from 'node:path';
import { findProjectRoot } from '../../orchestration/src/config/projectRoot.js';
import { lastJsonLine, runMeasured } from './measuredProcess.js';
import type { RebarRunResult } from './rebarRunner.js';

export interface RebarRun {
  result: RebarRunResult;
  seconds: number;
  /** The worker process (extractor, loader, in-process DuckDB) during the extract + load phase. */
  peakRssMb: number;
  /** The worker process over the whole run (also retention pruning and publishing, in-process DuckDB work). */
  peakRunRssMb: number;
  /** With the Temporal dev server and dbt it starts. */
  peakTreeRssMb: number;
  /** Where the run's time went. */
  phases: NightlyPhases;
}

/**
 * A nightly's wall time by phase: start-up (Node, the demo/source check, the Temporal dev server and
 * worker, until the workflow started), extract (+ retention pruning), dbt (build and publish gate),
 * freshness, and publish (recording, publishing, alerts and shutting down, after the workflow's
 * recorded end).
 */
export interface NightlyPhases {
  startup: number;
  extract: number;
  dbt: number;
  freshness: number;
  publish: number;
  total: number;
}

/** One `rebar nightly` against `sourceUrl`, its state (warehouse, watermarks) in `stateDir`, in a child process. */
export async function runRebar(
  sourceUrl: string,
  stateDir: string,
  /** More settings, e.g. another tables config. */
  env: Record<string, string> = {},
): Promise<RebarRun> {
  const runner = join(findProjectRoot(), 'dist', 'bench', 'harness', 'rebarRunner.js');
  const measured = await runMeasured(process.execPath, [runner], {
    env: { ...process.env, REBAR_SOURCE_URL: sourceUrl, REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn', ...env },
  });
  if (measured.exitCode !== 0)
    throw new Error(`rebar run failed (exit ${measured.exitCode}): ${measured.stderr.slice(-3000)}`);
  const result = lastJsonLine<RebarRunResult>(measured.stdout);
  if (result.status !== 'success') throw new Error(`rebar run ended ${result.status}: ${result.failure}`);
  const phaseStart = Date.parse(result.startedAt);
  const phaseEnd = phaseStart + result.phaseSeconds.extract * 1000;
  const inPhase = measured.samples.filter(([at]) => at >= phaseStart && at <= phaseEnd).map(([, mb]) => mb);
  const peakRssMb = inPhase.length > 0 ? Math.max(...inPhase) : measured.peakRssMb;
  const phases: NightlyPhases = {
    startup: (phaseStart - result.processStartedAt) / 1000,
    extract: result.phaseSeconds.extract + result.phaseSeconds.prune,
    dbt: result.phaseSeconds.dbt,
    freshness: result.phaseSeconds.freshness ?? 0,
    publish: (result.returnedAt - Date.parse(result.finishedAt)) / 1000,
    total: measured.seconds,
  };
  return {
    result,
    seconds: measured.seconds,
    peakRssMb,
    peakRunRssMb: measured.peakRssMb,
    peakTreeRssMb: measured.peakTreeRssMb,
    phases,
  };
}
