import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../../../orchestration/src/util/freePort.js';
import { supersetMetadata, supersetVenvBin } from './supersetMetadata.js';

/** A Superset of its own: config, secret key and a copy of the metadata template in a temporary folder, on a free loopback port. */
export interface Superset {
  url: string;
  username: string;
  password: string;
  logPath: string;
  stop(): Promise<void>;
}

// Superset's start-up imports take seconds of CPU alone, minutes on a busy machine: a generous bound, only so that a hung server ends the test.
const startUpBoundMs = 600_000;

async function waitUntilHealthy(child: ChildProcess, url: string, logTail: () => string): Promise<void> {
  const deadline = Date.now() + startUpBoundMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      assert.fail(
        `Superset exited (${child.exitCode ?? child.signalCode}) before answering on ${url}/health:\n${logTail()}`,
      );
    if (
      await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline)
      assert.fail(`Superset did not answer on ${url}/health within ${startUpBoundMs / 60_000} minutes:\n${logTail()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
  }
}

/** Starts a Superset of its own whose one database is the published file, read-only. */
export async function startSuperset(publishedPath: string): Promise<Superset> {
  // duckdb-engine passes the URL's query to duckdb.connect(config=...): access_mode=read_only opens
  // the file with a shared lock and refuses every write, as a BI reader must.
  const { env, dir, username, password } = await supersetMetadata(`duckdb:///${publishedPath}?access_mode=read_only`);
  const port = await findFreePort();
  const logPath = join(dir, 'superset.log');
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(
    join(supersetVenvBin, 'superset'),
    ['run', '--host', '127.0.0.1', '--port', String(port), '--with-threads'],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = () =>
    new Promise<void>((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
    });
  // Read only when something went wrong: the log file appears when the stream has opened it, not at once.
  const logTail = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(-4000) : '(no log written)');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(child, url, logTail);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    username,
    password,
    logPath,
    stop,
  };
}
