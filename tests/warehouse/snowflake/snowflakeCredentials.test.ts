import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { findFreePort } from '../../../orchestration/src/util/freePort.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

const table: TableConfig = {
  name: 'notes',
  primaryKey: ['id'],
  cursor: 'id',
  softDelete: undefined,
  mode: 'append',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};
const rightPassword = 'the-right-sf-password';
const wrongPassword = 'never-log-this-sf-pw';

let fakesnow: Fakesnow;
let source: TempPostgres;

beforeAll(async () => {
  [fakesnow, source] = await Promise.all([
    startFakesnow('REBAR', { requirePassword: rightPassword }),
    startTempPostgres(),
  ]);
  await source.client.query("create table notes (id bigint primary key, note text); insert into notes values (1, 'a')");
});

afterAll(async () => {
  await fakesnow?.stop();
  await source?.close();
});

/** Runs `work`, returning everything written to stdout and stderr meanwhile (the driver's and Rebar's logs). */
async function capturingOutput<T>(
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; output: string }> {
  const output: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const [result] = await Promise.allSettled([work()]);
    return { result: result!, output: output.join('') };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
}

test('the right password loads (the emulator checks it here)', async () => {
  const loader = createWarehouse(testConfig(fakesnow.env));
  const loaded = await extractOnce(source.client, loader, table, 'load-1');
  assert.equal(loaded.rowsWritten, 1);
});

test('a wrong password fails at once, naming account, user and endpoint, never the password (message, logs, run summary error)', async () => {
  const loader = createWarehouse(testConfig({ ...fakesnow.env, SNOWFLAKE_PASSWORD: wrongPassword }));
  const started = Date.now();
  const { result, output } = await capturingOutput(() => extractOnce(source.client, loader, table, 'load-2'));
  assert.equal(result.status, 'rejected');
  // The error extractTable reports is what the run summary's table.error and Temporal history carry.
  const message =
    (result as PromiseRejectedResult).reason instanceof Error
      ? ((result as PromiseRejectedResult).reason as Error).message
      : '';
  console.log(`wrong password reported after ${Date.now() - started} ms as: ${message}`);
  assert.match(
    message,
    new RegExp(
      `Cannot connect to Snowflake account fakesnow as user fake at ${fakesnow.accessUrl.replaceAll('.', '\\.')}`,
    ),
  );
  assert.match(message, /Incorrect username or password/);
  assert.doesNotMatch(message + output + JSON.stringify(result), new RegExp(wrongPassword));
});

test('an unreachable endpoint fails within seconds, naming it, never the password', async () => {
  const accessUrl = `http://127.0.0.1:${await findFreePort()}`;
  const loader = createWarehouse(
    testConfig({ ...fakesnow.env, SNOWFLAKE_ACCESS_URL: accessUrl, SNOWFLAKE_PASSWORD: wrongPassword }),
  );
  const started = Date.now();
  const { result, output } = await capturingOutput(() => loader.getWatermark(table));
  assert.equal(result.status, 'rejected');
  const message = ((result as PromiseRejectedResult).reason as Error).message;
  console.log(`unreachable endpoint reported after ${Date.now() - started} ms as: ${message}`);
  assert.match(
    message,
    new RegExp(`Cannot connect to Snowflake account fakesnow as user fake at ${accessUrl.replaceAll('.', '\\.')}`),
  );
  assert.doesNotMatch(message + output, new RegExp(wrongPassword));
  assert.ok(Date.now() - started < 60_000);
});
