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

function progressBar(output: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream: output, format: '{kind} {phase} |{bar}| {value}/{total} tables | {rows} rows extracted', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = { kind: progress.kind, phase: progress.phase.padEnd(18), rows: progress.rowsExtracted.toLocaleString('en-US') };
      if (!started) bar.start(Math.max(progress.tablesTotal, 1), progress.tablesDone, payload);
      else bar.setTotal(Math.max(progress.tablesTotal, 1));
      started = true;
      bar.update(progress.tablesDone, payload);
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
      logger.info({ event: 'run_progress', ...progress }, `${progress.kind} ${progress.phase}: ${progress.tablesDone}/${progress.tablesTotal} tables, ${progress.rowsExtracted} rows extracted`);
    },
    stop() {
      logger.flush();
    },
  };
}
