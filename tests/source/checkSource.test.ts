import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import {
  checkSource,
  SourceCredentialsError,
  SourceUnreachableError,
} from '../../orchestration/src/source/checkSource.js';
import { findFreePort } from '../../orchestration/src/util/freePort.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const password = 'correct-horse-battery';

beforeAll(async () => {
  source = await startTempPostgres();
  // The throwaway cluster trusts local logins; make this one role prove its password, as production does.
  await source.client.query(`create role field_reader login password '${password}'`);
  const hbaPath = join(source.dataDir, 'pg_hba.conf');
  writeFileSync(hbaPath, `host all field_reader 127.0.0.1/32 scram-sha-256\n${readFileSync(hbaPath, 'utf8')}`);
  await source.client.query('select pg_reload_conf()');
});

afterAll(async () => {
  await source?.close();
});

const urlWith = (secret: string, port = source.port) => `postgres://field_reader:${secret}@127.0.0.1:${port}/postgres`;

test('the right password connects', async () => {
  await checkSource(urlWith(password));
});

test('a wrong password is a credentials error naming host and port, never the password tried', async () => {
  const wrong = 'wrong-pass-Zq9';
  const error = await checkSource(urlWith(wrong)).catch((caught: unknown) => caught);
  assert.ok(error instanceof SourceCredentialsError, String(error));
  assert.match(
    error.message,
    new RegExp(
      `127\\.0\\.0\\.1:${source.port}/postgres rejected the login .*fix the user or password in REBAR_SOURCE_URL`,
    ),
  );
  assert.doesNotMatch(error.message, new RegExp(wrong));
});

test('a port nobody listens on is an unreachable error naming host and port, never the password', async () => {
  const port = await findFreePort();
  const error = await checkSource(urlWith(password, port)).catch((caught: unknown) => caught);
  assert.ok(error instanceof SourceUnreachableError, String(error));
  assert.match(error.message, new RegExp(`Cannot reach the source PostgreSQL at 127\\.0\\.0\\.1:${port}/postgres`));
  assert.doesNotMatch(error.message, new RegExp(password));
});
