import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../state/processIdentity.js';
import { findFreePort } from '../util/freePort.js';
import { runCommand } from '../util/runCommand.js';

export interface EphemeralPostgres {
  connectionString: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartEphemeralPostgresInput {
  dataDir: string;
  binDir: string;
  database?: string;
}

const superuser = 'postgres';

/**
 * A throwaway local Postgres cluster on a free loopback port (the embedded demo source and the
 * tests' source). An existing data directory is reused, so a second demo run is incremental.
 * Postgres refuses to run as root, so as root the cluster belongs to the `postgres` OS user.
 */
export async function startEphemeralPostgres(input: StartEphemeralPostgresInput): Promise<EphemeralPostgres> {
  const { dataDir, binDir } = input;
  const database = input.database ?? 'rebar_demo';
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(binDir, tool))) {
      throw new Error(
        `PostgreSQL server binary ${join(binDir, tool)} not found. Install PostgreSQL 15 (apt-get install postgresql) or set REBAR_PG_BIN_DIR to the folder holding initdb and pg_ctl.`,
      );
    }
  }
  const osUser = await clusterOsUser();
  const run = postgresTool(binDir, osUser);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (osUser) {
      openPathFor(dataDir);
      chownSync(dataDir, osUser.uid, osUser.gid);
    }
    const init = await run('initdb', [
      '-D',
      dataDir,
      '-U',
      superuser,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    if (init.code !== 0) throw new Error(`initdb failed for ${dataDir}: ${init.stderr.trim()}`);
  }

  const port = await findFreePort();
  const logFile = join(dataDir, 'server.log');
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c timezone=UTC -c wal_level=logical`;
  const started = await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
  if (started.code !== 0) {
    const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n') : '';
    throw new Error(`Could not start the local Postgres in ${dataDir}: ${started.stderr.trim()}\n${serverLog}`);
  }
  const admin = `postgresql://${superuser}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(admin, database);

  return {
    connectionString: `postgresql://${superuser}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    stop: async () => {
      await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
  };
}

/**
 * Stops a cluster left running in dataDir (by a killed run: pg_ctl's server outlives its caller).
 * Returns the postmaster's pid when one was running and is now stopped, undefined when none ran.
 * Call it only while holding the state folder's lock, so the cluster's owner is known to be gone.
 */
export async function stopLeftoverPostgres(input: { dataDir: string; binDir: string }): Promise<number | undefined> {
  const pidFile = join(input.dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!isRunning({ pid })) return undefined; // a stale postmaster.pid: Postgres itself starts over it
  const run = postgresTool(input.binDir, await clusterOsUser());
  const stopped = await run('pg_ctl', ['-D', input.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  if (stopped.code !== 0 && isRunning({ pid })) {
    throw new Error(
      `A Postgres left running in ${input.dataDir} (pid ${pid}) by an earlier run could not be stopped: ${stopped.stderr.trim()}. Stop it with \`pg_ctl -D ${input.dataDir} stop\` and run this again.`,
    );
  }
  // pg_ctl returns once postmaster.pid is gone, a moment before the process itself.
  for (let waited = 0; waited < 30_000 && isRunning({ pid }); waited += 100)
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  return pid;
}

/**
 * Runs a Postgres server tool, as the `postgres` OS user when Rebar runs as root. In its own process
 * group, like the server pg_ctl starts: a Ctrl-C typed during `pg_ctl start` would otherwise kill
 * pg_ctl and leave a server starting that this command does not know it owns.
 */
function postgresTool(binDir: string, osUser: { uid: number; gid: number } | undefined) {
  const options = { ownProcessGroup: true };
  return (tool: string, args: string[]) =>
    osUser
      ? runCommand('runuser', ['-u', 'postgres', '--', join(binDir, tool), ...args], options)
      : runCommand(join(binDir, tool), args, options);
}

async function clusterOsUser(): Promise<{ uid: number; gid: number } | undefined> {
  return process.getuid?.() === 0 ? postgresOsUser() : undefined;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

async function postgresOsUser(): Promise<{ uid: number; gid: number }> {
  const uid = await runCommand('id', ['-u', 'postgres']);
  const gid = await runCommand('id', ['-g', 'postgres']);
  if (uid.code !== 0)
    throw new Error(
      'Running as root needs the `postgres` OS user to own the local cluster; install PostgreSQL (apt-get install postgresql) to create it.',
    );
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Lets the postgres user traverse into a data directory made under root-owned private folders (mkdtemp). */
function openPathFor(dataDir: string): void {
  const ancestors = dataDir.split('/').filter(Boolean).slice(0, -1);
  let path = '';
  for (const part of ancestors) {
    path += `/${part}`;
    const mode = statSync(path).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(path, mode | 0o011);
  }
}
