import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { childProcessEnv, loadConfig } from '../../orchestration/src/config/config.js';
import { runDbt } from '../../orchestration/src/dbt/runDbt.js';
import { findFreePort } from '../../orchestration/src/util/freePort.js';
import { projectRoot } from '../support/projectRoot.js';

// dbt-snowflake against the fakesnow emulator (plain `fakesnow -s`: dbt's Python connector reads its
// results as they are). Snowflake itself cannot be reached from here; what this proves is that the
// prod target's profile, the adapter and every model's dispatched SQL compile for Snowflake.
const config = loadConfig({ REBAR_LOG_LEVEL: 'warn' });
const password = 'not-a-real-secret-4f1c';
let fakesnow: ChildProcess;
let port: number;

function snowflakeEnv(): NodeJS.ProcessEnv {
  return {
    ...childProcessEnv(),
    SNOWFLAKE_ACCOUNT: 'fakesnow',
    SNOWFLAKE_USER: 'rebar_loader',
    SNOWFLAKE_PASSWORD: password,
    SNOWFLAKE_DATABASE: 'REBAR',
    SNOWFLAKE_WAREHOUSE: 'REBAR_WH',
    SNOWFLAKE_ROLE: 'REBAR_TRANSFORM',
    SNOWFLAKE_SCHEMA: 'ANALYTICS',
    SNOWFLAKE_HOST: '127.0.0.1',
    SNOWFLAKE_PORT: String(port),
    SNOWFLAKE_PROTOCOL: 'http',
  };
}

async function waitForPort(target: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = createConnection({ host: '127.0.0.1', port: target }, () => {
        socket.end();
        resolveOpen(true);
      });
      socket.on('error', () => resolveOpen(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`fakesnow did not listen on ${target} within 30 s`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
}

beforeAll(async () => {
  port = await findFreePort();
  fakesnow = spawn(
    join(projectRoot, '.venv-fakesnow', 'bin', 'fakesnow'),
    ['-s', '-p', String(port), '--host', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  await waitForPort(port);
});

afterAll(() => {
  fakesnow?.kill('SIGTERM');
});

test('dbt seed and dbt compile --target prod pass on dbt-snowflake, with the Snowflake variants of the dispatched macros', async () => {
  const targetPath = join(config.stateDir, 'dbt-prod-target');
  const logs: string[] = [];
  for (const args of [
    ['seed', '--target', 'prod'],
    ['compile', '--target', 'prod'],
  ]) {
    const result = await runDbt({
      dbtBin: config.dbtBin,
      projectDir: config.dbtProjectDir,
      args,
      env: snowflakeEnv(),
      targetPath,
    });
    logs.push(...result.errors, ...result.nodes.map((node) => node.message ?? ''));
    assert.equal(result.exitCode, 0, `dbt ${args.join(' ')}: ${result.errors.join('\n')}`);
    if (args[0] === 'seed')
      assert.equal(result.nodes.filter((node) => node.status === 'success').length, 6, JSON.stringify(result.nodes));
  }
  const compiled = (model: string, folder: string) =>
    readFileSync(join(targetPath, 'compiled', 'rebar', 'models', folder, `${model}.sql`), 'utf8');
  // The Snowflake branches: sha2 for hashed emails, lateral flatten for JSON arrays, iso week starts.
  assert.match(compiled('dim_user', 'marts/core'), /sha2\(email, 256\)/);
  assert.match(compiled('int_crew_checkin_workers', 'intermediate/operations'), /flatten/i);
  assert.doesNotMatch(compiled('dim_user', 'marts/core'), /sha256\(/);
  assert.ok(!logs.join('\n').includes(password), 'the password never reaches dbt output');
  const manifest = readFileSync(join(targetPath, 'manifest.json'), 'utf8');
  assert.ok(!manifest.includes(password), 'the password never reaches dbt artifacts');
});

test(`profiles.yml's prod target reads every setting from the environment`, () => {
  const profile = readFileSync(join(projectRoot, 'profiles.yml'), 'utf8');
  const prod = profile.slice(profile.indexOf('    prod:'));
  for (const variable of [
    'SNOWFLAKE_ACCOUNT',
    'SNOWFLAKE_USER',
    'SNOWFLAKE_PASSWORD',
    'SNOWFLAKE_PRIVATE_KEY_PATH',
    'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
    'SNOWFLAKE_ROLE',
    'SNOWFLAKE_DATABASE',
    'SNOWFLAKE_WAREHOUSE',
    'SNOWFLAKE_SCHEMA',
  ]) {
    assert.match(prod, new RegExp(`env_var\\('${variable}'`), variable);
  }
  assert.doesNotMatch(prod, /password: "[^{]/, 'no literal password');
});
