import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * The Temporal worker logs every workflow bundle build and state change at INFO. Rebar's `info`
 * keeps Temporal at WARN so a run prints what it did, not the SDK's internals; `debug` and
 * `trace` pass through. Logs go to stderr. Call once, before any worker or connection exists.
 */
export function installTemporalLogging(rebarLevel: string): void {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
  Runtime.install({ logger: new DefaultLogger(levels[rebarLevel] ?? 'WARN') });
}
