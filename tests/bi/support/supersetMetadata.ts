import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../../support/projectRoot.js';

export const supersetVenvBin = join(projectRoot, '.venv-superset', 'bin');

/** The database Superset's SQL Lab offers: the name the docs and metabase/dashboards.yml use. */
export const databaseName = 'Rebar warehouse';

// What the template holds; change it (or requirements-superset.txt) and a new template is made.
const recipe = ['db upgrade', 'fab create-admin analyst', 'init', `set-database-uri ${databaseName}`].join('; ');
const username = 'analyst';
const placeholderUri = 'duckdb:///:memory:';

/** Superset's settings for one folder: its own random secret key and sqlite metadata file in that folder. */
export function supersetEnv(dir: string): NodeJS.ProcessEnv {
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
  return {
    ...process.env,
    SUPERSET_CONFIG_PATH: configPath,
    SUPERSET_HOME: dir,
    FLASK_APP: 'superset',
    SCARF_ANALYTICS: 'false',
  };
}

async function superset(env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  const result = await runCommand(join(supersetVenvBin, 'superset'), args, { cwd: projectRoot, env });
  assert.equal(
    result.code,
    0,
    `superset ${args.slice(0, 2).join(' ')} failed:\n${result.stderr.slice(-4000)}${result.stdout.slice(-2000)}`,
  );
}

function templateDir(): string {
  const requirements = readFileSync(join(projectRoot, 'requirements-superset.txt'), 'utf8');
  const stamp = createHash('sha256').update(requirements).update(recipe).digest('hex').slice(0, 16);
  return join(tmpdir(), 'rebar-superset-metadata', stamp);
}

/**
 * Superset's metadata with migrations, roles, an admin user and the database entry done: a sqlite
 * file made once per Superset install (stamped by requirements-superset.txt) and copied per test
 * run. `db upgrade` and `init` cost about a minute of CPU, several minutes on a busy machine;
 * a copy costs nothing. Returns the template's path.
 */
export async function supersetMetadataTemplate(): Promise<string> {
  assert.ok(
    existsSync(join(supersetVenvBin, 'superset')),
    `${supersetVenvBin}/superset is missing: run scripts/setup, which installs requirements-superset.txt there`,
  );
  const finalDir = templateDir();
  const template = join(finalDir, 'superset.db');
  if (existsSync(template)) return template;
  mkdirSync(join(finalDir, '..'), { recursive: true });
  // Built aside and renamed into place: a run that stops half-way, or two runs at once, never leave a half-made template.
  const buildDir = mkdtempSync(`${finalDir}.building-`);
  const env = supersetEnv(buildDir);
  await superset(env, ['db', 'upgrade']);
  // A throwaway password: each run sets its own (personalizeMetadata).
  await superset(env, [
    'fab',
    'create-admin',
    '--username',
    username,
    '--firstname',
    'Rebar',
    '--lastname',
    'Analyst',
    '--email',
    'analyst@example.invalid',
    '--password',
    randomBytes(12).toString('hex'),
  ]);
  await superset(env, ['init']);
  await superset(env, ['set-database-uri', '--database_name', databaseName, '--uri', placeholderUri]);
  rmSync(join(buildDir, 'superset_config.py'));
  try {
    renameSync(buildDir, finalDir);
  } catch (error) {
    // Another run finished its template first: use that one.
    if (!existsSync(template)) throw error;
    rmSync(buildDir, { recursive: true, force: true });
  }
  return template;
}

// Python's sqlite3 and werkzeug (Superset's own password hashing), without importing Superset:
// the two rows that differ per run, written in a fraction of a second instead of two CLI starts.
const personalize = `
import os, sqlite3
from werkzeug.security import generate_password_hash
db = sqlite3.connect(os.environ['METADATA_PATH'])
users = db.execute('update ab_user set password = ? where username = ?', (generate_password_hash(os.environ['ADMIN_PASSWORD']), os.environ['ADMIN_USERNAME'])).rowcount
databases = db.execute('update dbs set sqlalchemy_uri = ? where database_name = ?', (os.environ['DATABASE_URI'], os.environ['DATABASE_NAME'])).rowcount
db.commit()
assert (users, databases) == (1, 1), f'expected one admin user and one database in the metadata, updated {users} users and {databases} databases'
`;

/**
 * A folder with Superset's config and a copy of the template metadata, its admin given a fresh
 * random password and its database pointed at databaseUri.
 */
export async function supersetMetadata(
  databaseUri: string,
): Promise<{ dir: string; env: NodeJS.ProcessEnv; username: string; password: string }> {
  const template = await supersetMetadataTemplate();
  const dir = mkdtempSync(join(tmpdir(), 'rebar-superset-'));
  const env = supersetEnv(dir);
  const metadataPath = join(dir, 'superset.db');
  cpSync(template, metadataPath);
  const password = randomBytes(12).toString('hex');
  const result = await runCommand(join(supersetVenvBin, 'python'), ['-c', personalize], {
    env: {
      ...process.env,
      METADATA_PATH: metadataPath,
      ADMIN_USERNAME: username,
      ADMIN_PASSWORD: password,
      DATABASE_URI: databaseUri,
      DATABASE_NAME: databaseName,
    },
  });
  assert.equal(
    result.code,
    0,
    `could not set this run's admin password and database in ${metadataPath} (delete ${template} to have it made again):\n${result.stderr.slice(-2000)}`,
  );
  return { dir, env, username, password };
}
