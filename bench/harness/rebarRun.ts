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
}

/** One `rebar nightly` against `sourceUrl`, its state (warehouse, watermarks) in `stateDir`, in a child process. */
export async function runRebar(sourceUrl: string, stateDir: string): Promise<RebarRun> {
  const runner = join(findProjectRoot(), 'dist', 'bench', 'harness', 'rebarRunner.js');
  const measured = await runMeasured(process.execPath, [runner], {
    env: { ...process.env, REBAR_SOURCE_URL: sourceUrl, REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn' },
  });
  if (measured.exitCode !== 0) throw new Error(`rebar run failed (exit ${measured.exitCode}): ${measured.stderr.slice(-3000)}`);
  const result = lastJsonLine<RebarRunResult>(measured.stdout);
  if (result.status !== 'success') throw new Error(`rebar run ended ${result.status}: ${result.failure}`);
  const phaseStart = Date.parse(result.startedAt);
  const phaseEnd = phaseStart + result.phaseSeconds.extract * 1000;
  const inPhase = measured.samples.filter(([at]) => at >= phaseStart && at <= phaseEnd).map(([, mb]) => mb);
  const peakRssMb = inPhase.length > 0 ? Math.max(...inPhase) : measured.peakRssMb;
  return { result, seconds: measured.seconds, peakRssMb, peakRunRssMb: measured.peakRssMb, peakTreeRssMb: measured.peakTreeRssMb };
}
