import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * The Temporal worker logs every workflow bundle build and state change at INFO. Rebar's `info`
 * keeps Temporal at WARN so a run prints what it did, not the SDK's internals; `debug` and
 * `trace` pass through. Logs go to stderr. Call once, before any worker or connection exists.
 */
export function installTemporalLogging(rebarLevel: string, options: { commandHandlesSignals?: boolean } = {}): void {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
  // A CLI run handles Ctrl-C itself (it cancels its workflow, cli/interruption.ts): the SDK must not
  // shut its worker down under the running workflow. `rebar worker` keeps the SDK's graceful shutdown.
  Runtime.install({ logger: new DefaultLogger(levels[rebarLevel] ?? 'WARN'), ...(options.commandHandlesSignals ? { shutdownSignals: [] } : {}) });
}
