import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DefaultLogger, type LogEntry, type LogLevel, Runtime } from '@temporalio/worker';
import { redactSecretsInText } from '../util/redact.js';

/** The state folder's log: the Temporal SDK's own lines (core and worker) go here, not to the console. */
export const rebarLogPath = (stateDir: string) => join(stateDir, 'rebar.log');

// One previous log is kept beside the current one (rebar.log.1), so the file never grows without bound.
const rotateAtBytes = 10 * 1024 * 1024;

/**
 * The Temporal SDK logs bundle builds, state changes, activity failures (with task tokens) and gRPC
 * retries; none of that is for the person at the console, who gets Rebar's own lines and real errors
 * (those reach the CLI as failures). With a state folder, every SDK line at INFO and up (TRACE/DEBUG
 * with Rebar's `trace`/`debug`) is appended to its rebar.log, core SDK lines forwarded too; without
 * one (tests' setup), WARN and up go to stderr as before. Call once, before any worker or connection.
 */
export function installTemporalLogging(
  rebarLevel: string,
  stateDir?: string,
  options: { commandHandlesSignals?: boolean } = {},
): void {
  // A CLI run handles Ctrl-C itself (it cancels its workflow, cli/interruption.ts): the SDK must not
  // shut its worker down under the running workflow. `rebar worker` keeps the SDK's graceful shutdown.
  const signals = options.commandHandlesSignals ? { shutdownSignals: [] } : {};
  const consoleLevels: Record<string, LogLevel> = {
    trace: 'TRACE',
    debug: 'INFO',
    info: 'WARN',
    warn: 'WARN',
    error: 'ERROR',
    fatal: 'ERROR',
    silent: 'ERROR',
  };
  if (stateDir === undefined) {
    Runtime.install({ logger: new DefaultLogger(consoleLevels[rebarLevel] ?? 'WARN'), ...signals });
    return;
  }
  const level: LogLevel = rebarLevel === 'trace' ? 'TRACE' : rebarLevel === 'debug' ? 'DEBUG' : 'INFO';
  const file = rebarLogPath(stateDir);
  startLogFile(file);
  Runtime.install({
    ...signals,
    logger: new DefaultLogger(level, (entry) => appendFileSync(file, logLine(entry))),
    // Core (Rust) lines: gRPC retries, "Channel has been shut down", activity task failures.
    telemetryOptions: { logging: { filter: { core: level === 'INFO' ? 'WARN' : level, other: 'WARN' }, forward: {} } },
  });
}

function startLogFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file) && statSync(file).size > rotateAtBytes) renameSync(file, `${file}.1`);
  appendFileSync(
    file,
    `${new Date().toISOString()} [INFO] rebar ${process.argv.slice(2).join(' ')} (pid ${process.pid}): Temporal SDK log\n`,
  );
}

function logLine(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${safeJson(entry.meta)}` : '';
  // An activity failure's message may quote a connection string.
  return `${time} [${entry.level}] ${redactSecretsInText(`${entry.message}${meta}`)}\n`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint'
        ? item.toString()
        : item instanceof Error
          ? { name: item.name, message: item.message }
          : item,
    );
  } catch {
    return '[unserialisable metadata]';
  }
}
