import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../../support/projectRoot.js';

/** A Superset of its own: config, secret key and sqlite metadata in a temporary folder, on a free loopback port. */
export interface Superset {
  url: string;
  username: string;
  password: string;
  logPath: string;
  stop(): Promise<void>;
}

const venvBin = join(projectRoot, '.venv-superset', 'bin');

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function superset(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const result = await runCommand(join(venvBin, 'superset'), args, { cwd: projectRoot, env });
  assert.equal(result.code, 0, `superset ${args[0] ?? ''} failed:\n${result.stderr.slice(-4000)}${result.stdout.slice(-2000)}`);
  return result.stdout;
}

/** Prepares Superset's metadata (migrations, roles, an admin user): independent of the published file, so it can run beside the demo build. */
export async function prepareSuperset(): Promise<{ env: NodeJS.ProcessEnv; dir: string; username: string; password: string }> {
  assert.ok(existsSync(join(venvBin, 'superset')), `${venvBin}/superset is missing: run scripts/setup, which installs requirements-superset.txt there`);
  const dir = mkdtempSync(join(tmpdir(), 'rebar-superset-'));
  const configPath = join(dir, 'superset_config.py');
  writeFileSync(
    configPath,
    [
      `SECRET_KEY = ${JSON.stringify(randomBytes(32).toString('hex'))}`,
      `SQLALCHEMY_DATABASE_URI = ${JSON.stringify(`sqlite:///${join(dir, 'superset.db')}`)}`,
      // Loopback only, no HTTPS: Talisman's HTTPS redirect and content policy are for deployments.
      'TALISMAN_ENABLED = False',
      // Nothing of Superset's own reaches out (no network here): no telemetry, no example data.
      'SCARF_ANALYTICS = False',
      'ENABLE_PROXY_FIX = False',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SUPERSET_CONFIG_PATH: configPath, SUPERSET_HOME: dir, FLASK_APP: 'superset', SCARF_ANALYTICS: 'false' };
  const username = 'analyst';
  const password = randomBytes(12).toString('hex');
  await superset(env, ['db', 'upgrade']);
  await superset(env, ['fab', 'create-admin', '--username', username, '--firstname', 'Rebar', '--lastname', 'Analyst', '--email', 'analyst@example.invalid', '--password', password]);
  await superset(env, ['init']);
  return { env, dir, username, password };
}

/** Registers the published file as a read-only DuckDB database and starts the web server. */
export async function startSuperset(prepared: Awaited<ReturnType<typeof prepareSuperset>>, publishedPath: string): Promise<Superset> {
  const { env, dir, username, password } = prepared;
  // duckdb-engine passes the URL's query to duckdb.connect(config=...): access_mode=read_only opens
  // the file with a shared lock and refuses every write, as a BI reader must.
  await superset(env, ['set-database-uri', '--database_name', 'Rebar warehouse', '--uri', `duckdb:///${publishedPath}?access_mode=read_only`]);
  const port = await freePort();
  const logPath = join(dir, 'superset.log');
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(join(venvBin, 'superset'), ['run', '--host', '127.0.0.1', '--port', String(port), '--with-threads'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    assert.equal(child.exitCode, null, `Superset exited with ${child.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-4000)}`);
    const healthy = await fetch(`${url}/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    assert.ok(Date.now() < deadline, `Superset did not answer on ${url}/health within 5 minutes:\n${readFileSync(logPath, 'utf8').slice(-4000)}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
  }
  return {
    url,
    username,
    password,
    logPath,
    stop: () =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}
