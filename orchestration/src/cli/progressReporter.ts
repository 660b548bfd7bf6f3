import cliProgress from 'cli-progress';
import type { RunProgress } from '../runs/runProgress.js';
import { createLogger } from '../util/logger.js';

export interface ProgressReporter {
  update(progress: RunProgress): void;
  stop(): void;
}

/**
 * A running load's progress: a progress bar on a terminal; on anything else (CI, cron, a log
 * collector) one structured JSON log line on stderr per change, which a bar would garble.
 */
export function createProgressReporter(output: NodeJS.WriteStream, logLevel: string): ProgressReporter {
  return output.isTTY ? progressBar(output) : progressLog(logLevel);
}

/**
 * What the bar counts in the run's current phase: tables while extracting, dbt's nodes while dbt
 * builds (once it has finished its first), otherwise only the phase's name (pruning, the publish
 * gate, freshness, publishing), so the bar never sits at "15/15 tables" through the build.
 */
export function progressStep(progress: RunProgress): { done: number; total: number; text: string } {
  if (progress.phase === 'building' && progress.dbtNodesTotal !== undefined) {
    const done = progress.dbtNodesDone ?? 0;
    return { done, total: progress.dbtNodesTotal, text: `dbt: ${done}/${progress.dbtNodesTotal} nodes` };
  }
  if (progress.phase === 'planning' || progress.phase === 'extracting') {
    const rows = progress.rowsExtracted.toLocaleString('en-US');
    return {
      done: progress.tablesDone,
      total: Math.max(progress.tablesTotal, 1),
      text: `${progress.tablesDone}/${progress.tablesTotal} tables | ${rows} rows extracted`,
    };
  }
  if (progress.phase === 'building') return { done: 0, total: 1, text: 'dbt: starting' };
  const finished = progress.phase === 'done';
  return { done: finished ? 1 : 0, total: 1, text: `${progress.rowsExtracted.toLocaleString('en-US')} rows extracted` };
}

function progressBar(output: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream: output, format: '{kind} {phase} |{bar}| {step}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const step = progressStep(progress);
      const payload = { kind: progress.kind, phase: progress.phase.padEnd(25), step: step.text };
      if (!started) bar.start(step.total, step.done, payload);
      else bar.setTotal(step.total);
      started = true;
      bar.update(step.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function progressLog(logLevel: string): ProgressReporter {
  const logger = createLogger(logLevel);
  let last = '';
  return {
    update(progress) {
      const line = JSON.stringify(progress);
      if (line === last) return;
      last = line;
      logger.info(
        { event: 'run_progress', ...progress },
        `${progress.kind} ${progress.phase}: ${progressStep(progress).text}`,
      );
    },
    stop() {
      logger.flush();
    },
  };
}
