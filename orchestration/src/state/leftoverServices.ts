import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RebarConfig } from '../config/config.js';
import { stopLeftoverPostgres } from '../source/ephemeralPostgres.js';
import { devServerPidFileName } from '../temporal/devServer.js';
import { isRunning, processCommandLine, type ProcessIdentity } from './processIdentity.js';
import { waitForWarehouseRelease } from './warehouseRelease.js';

export interface StopLeftoverServicesInput {
  config: RebarConfig;
  log: (line: string) => void;
}

/**
 * Services a killed run left running in the state folder: the demo Postgres (its postmaster.pid)
 * and the Temporal dev server (the pid file it records). Each is stopped with one line saying so;
 * the state folder's lock is held, so whoever started them is gone. Without this, the next run's
 * pg_ctl fails with "lock file postmaster.pid already exists" until someone stops it by hand.
 */
export async function stopLeftoverServices(input: StopLeftoverServicesInput): Promise<void> {
  const { config, log } = input;
  const dataDir = join(config.stateDir, 'demo-postgres');
  const postgresPid = await stopLeftoverPostgres({ dataDir, binDir: config.pgBinDir });
  if (postgresPid !== undefined)
    log(
      `Stopped the demo Postgres (pid ${postgresPid}) an earlier run left running in ${dataDir}; its rebar process is gone`,
    );
  const devServer = readDevServerPid(join(config.stateDir, devServerPidFileName));
  if (devServer && isRunning(devServer) && /temporal/.test(processCommandLine(devServer.pid))) {
    await stopProcess(devServer.pid);
    log(
      `Stopped the Temporal dev server (pid ${devServer.pid}, ${devServer.address}) an earlier run left running; its rebar process is gone`,
    );
  }
  rmSync(join(config.stateDir, devServerPidFileName), { force: true });
  if (config.target === 'duckdb') {
    const waited = await waitForWarehouseRelease(config.warehousePath);
    if (waited > 0)
      log(`Waited ${waited.toFixed(1)} s for a process of an earlier run to let go of ${config.warehousePath}`);
  }
}

function readDevServerPid(path: string): (ProcessIdentity & { address: string }) | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProcessIdentity & { address: string };
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after 10 s: the dev server flushes temporal.db on SIGTERM. */
async function stopProcess(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isRunning({ pid }) && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  if (isRunning({ pid })) signal('SIGKILL');
  while (isRunning({ pid })) await new Promise((resolveWait) => setTimeout(resolveWait, 100));
}
