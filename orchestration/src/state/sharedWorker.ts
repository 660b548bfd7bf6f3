import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, type ProcessIdentity } from './processIdentity.js';

/**
 * What a running `rebar worker` offers the other commands on its state folder (.rebar/services.json):
 * its Temporal, task queue and, for the embedded demo, its Postgres. CLI runs hand their workflow to
 * it instead of starting a second Postgres and dev server.
 */
export interface SharedWorker extends ProcessIdentity {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** The embedded demo's URL (loopback, no password); undefined for a configured source, whose URL may hold credentials. */
  demoSourceUrl: string | undefined;
}

export const servicesFileName = 'services.json';

export function advertiseWorker(stateDir: string, worker: SharedWorker): () => void {
  const path = join(stateDir, servicesFileName);
  writeFileSync(path, `${JSON.stringify(worker, null, 2)}\n`);
  return () => {
    if (readSharedWorker(stateDir)?.pid === worker.pid) rmSync(path, { force: true });
  };
}

/** The worker that advertises its services in this folder, if it is still running. */
export function findLiveWorker(stateDir: string): SharedWorker | undefined {
  const worker = readSharedWorker(stateDir);
  return worker && isRunning(worker) ? worker : undefined;
}

function readSharedWorker(stateDir: string): SharedWorker | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, servicesFileName), 'utf8')) as SharedWorker;
  } catch {
    return undefined;
  }
}
