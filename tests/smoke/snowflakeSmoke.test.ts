import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { startFakesnow, type Fakesnow } from '../support/fakesnow.js';
import { projectRoot } from '../support/projectRoot.js';

// `npm run smoke:snowflake` (tests/smoke/snowflakeSmoke.ts) is for a real account; here it shows its
// skip message, refuses half a configuration, and runs every step against the emulator (which takes
// any login and has no roles: what the emulator cannot check, docs/snowflake.md lists).
const smoke = join(projectRoot, 'dist', 'tests', 'smoke', 'snowflakeSmoke.js');
let fakesnow: Fakesnow;

beforeAll(async () => {
  fakesnow = await startFakesnow('REBAR_SMOKE');
});

afterAll(async () => {
  await fakesnow?.stop();
});

/** The environment without any REBAR_SMOKE_SNOWFLAKE_* or SNOWFLAKE_* variable of the machine. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(REBAR_SMOKE_)?SNOWFLAKE_/.test(name) && name !== 'REBAR_TARGET'),
  );
  return { ...env, ...extra };
}

test('without credentials the smoke test is skipped with a message naming what to set', async () => {
  const result = await runCommand(process.execPath, [smoke], { cwd: projectRoot, env: cleanEnv({}) });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Snowflake smoke test skipped: no REBAR_SMOKE_SNOWFLAKE_\* variable is set/);
  assert.match(result.stdout, /REBAR_SMOKE_SNOWFLAKE_PRIVATE_KEY_PATH/);
  assert.match(result.stdout, /docs\/snowflake\.md/);
});

test('half a configuration is refused, naming the variables still missing', async () => {
  const result = await runCommand(process.execPath, [smoke], {
    cwd: projectRoot,
    env: cleanEnv({ REBAR_SMOKE_SNOWFLAKE_ACCOUNT: 'myorg-acct', REBAR_SMOKE_SNOWFLAKE_USER: 'smoke' }),
  });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /cannot run: set REBAR_SMOKE_SNOWFLAKE_PASSWORD, REBAR_SMOKE_SNOWFLAKE_PRIVATE_KEY_PATH/);
});

test('with credentials it runs every step: two nightlies (password, then key pair), the checks, the clean-up', async () => {
  const keys = mkdtempSync(join(tmpdir(), 'rebar-smoke-keys-'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(join(keys, 'smoke.p8'), privateKey, { mode: 0o600 });
  const result = await runCommand(process.execPath, [smoke], {
    cwd: projectRoot,
    env: cleanEnv({
      REBAR_SMOKE_SNOWFLAKE_ACCOUNT: 'fakesnow',
      REBAR_SMOKE_SNOWFLAKE_USER: 'smoke',
      REBAR_SMOKE_SNOWFLAKE_PASSWORD: 'smoke-only-password',
      REBAR_SMOKE_SNOWFLAKE_PRIVATE_KEY_PATH: join(keys, 'smoke.p8'),
      REBAR_SMOKE_SNOWFLAKE_WAREHOUSE: 'smoke_wh',
      REBAR_SMOKE_SNOWFLAKE_DATABASE: 'REBAR_SMOKE',
      REBAR_SMOKE_SNOWFLAKE_READER_ROLE: 'smoke_reader',
      REBAR_SMOKE_SNOWFLAKE_ACCESS_URL: fakesnow.accessUrl,
    }),
  });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  for (const step of [
    /ok {2}nightly 1, password login/,
    /ok {2}nightly 2, key-pair login/,
    /ok {2}raw holds the source/,
    /ok {2}both runs succeeded; the snapshots and unit tests/,
    /ok {2}the reader role smoke_reader reads PUBLISHED/,
    /ok {2}clean up: drop RAW, _REBAR, PUBLISHED/,
    /Snowflake smoke test passed\./,
  ])
    assert.match(result.stdout, step);
  assert.doesNotMatch(result.stdout + result.stderr, /smoke-only-password/, 'the password is never printed');
});
