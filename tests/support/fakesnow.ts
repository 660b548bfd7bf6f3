import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from '../../orchestration/src/util/freePort.js';
import { projectRoot } from './projectRoot.js';

export interface Fakesnow {
  accessUrl: string;
  /** The JSON-lines file this emulator logs every statement it receives to (one `{"sqlText": ...}` per line). */
  statementLog: string;
  /** The Snowflake variables for the loader (REBAR_TARGET=snowflake against this emulator). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const python = join(projectRoot, '.venv-fakesnow', 'bin', 'python');
const server = join(projectRoot, 'tests', 'support', 'fakesnow', 'fakesnowJsonServer.py');
/** Where every emulator logs the statements it receives: scripts/snowflake_compat.py checks them after the suite. */
export const STATEMENT_LOG_DIR = join(projectRoot, '.test-output', 'snowflake-statements');

/**
 * Starts the fakesnow Snowflake emulator (in memory, one store for every session) behind the
 * test-only JSON shim (fakesnow/fakesnowJsonServer.py) on a free loopback port. scripts/setup
 * installs it into .venv-fakesnow.
 */
export async function startFakesnow(
  database = 'REBAR',
  options: { requirePassword?: string; requirePublicKeyFile?: string } = {},
): Promise<Fakesnow> {
  if (!existsSync(python))
    throw new Error(
      `${python} is missing: run scripts/setup (it installs requirements-fakesnow.txt into .venv-fakesnow)`,
    );
  const port = await findFreePort();
  // With requirePassword, the shim refuses a login with any other password; with requirePublicKeyFile, any
  // login but a JWT signed by the matching private key (fakesnow itself accepts all).
  mkdirSync(STATEMENT_LOG_DIR, { recursive: true });
  const statementLog = join(STATEMENT_LOG_DIR, `${process.pid}-${port}.jsonl`);
  const env = {
    ...process.env,
    FAKESNOW_STATEMENT_LOG: statementLog,
    ...(options.requirePassword ? { FAKESNOW_PASSWORD: options.requirePassword } : {}),
    ...(options.requirePublicKeyFile ? { FAKESNOW_PUBLIC_KEY_FILE: options.requirePublicKeyFile } : {}),
  };
  const child = spawn(python, [server, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  await waitForPort(port, child, stderr);
  const accessUrl = `http://127.0.0.1:${port}`;
  return {
    accessUrl,
    statementLog,
    env: {
      REBAR_TARGET: 'snowflake',
      SNOWFLAKE_ACCOUNT: 'fakesnow',
      SNOWFLAKE_USER: 'fake',
      SNOWFLAKE_PASSWORD: options.requirePassword ?? 'test-only-password',
      SNOWFLAKE_WAREHOUSE: 'wh',
      SNOWFLAKE_DATABASE: database,
      SNOWFLAKE_ACCESS_URL: accessUrl,
    },
    stop: () => stopChild(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`fakesnow exited with ${child.exitCode}: ${stderr.join('').slice(-2000)}`);
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolveOpen(true);
      });
      socket.once('error', () => resolveOpen(false));
    });
    if (open) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  await stopChild(child);
  throw new Error(`fakesnow did not listen on port ${port} within 30 s: ${stderr.join('').slice(-2000)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
  });
}
