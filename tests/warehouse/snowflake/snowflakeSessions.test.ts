import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, test } from 'vitest';
import type { IncrementalTableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { testConfig } from '../../support/testConfig.js';

let fakesnow: Fakesnow;

beforeAll(async () => {
  fakesnow = await startFakesnow();
});

afterAll(async () => {
  await fakesnow?.stop();
});

const table: IncrementalTableConfig = {
  name: 'tickets',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};

test('every loader session runs on the load warehouse with its QUERY_TAG, in UTC, with a statement timeout, before its first statement', async () => {
  const config = testConfig({
    ...fakesnow.env,
    SNOWFLAKE_WAREHOUSE: 'transform_m',
    SNOWFLAKE_LOAD_WAREHOUSE: 'load_xs',
    SNOWFLAKE_QUERY_TAG: 'acme-nightly',
    SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS: '900',
  });
  await createWarehouse(config).getWatermark(table);
  const lines = readFileSync(fakesnow.statementLog, 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          sqlText?: string;
          login?: { warehouse: string; sessionParameters: Record<string, unknown> };
        },
    );
  const logins = lines.filter((line) => line.login).map((line) => line.login);
  assert.ok(logins.length >= 1);
  for (const login of logins) {
    assert.equal(login?.warehouse, 'load_xs', 'the loader uses SNOWFLAKE_LOAD_WAREHOUSE, not dbt’s');
    assert.equal(login?.sessionParameters.QUERY_TAG, 'acme-nightly:load');
  }
  // Each session's first statement sets the session up; the account's time zone never applies.
  const afterLogin = lines.flatMap((line, index) => (line.login ? [lines[index + 1]?.sqlText] : []));
  assert.deepEqual([...new Set(afterLogin)], ["alter session set timezone = 'UTC' statement_timeout_in_seconds = 900"]);
  assert.ok(
    !JSON.stringify(lines).includes(fakesnow.env.SNOWFLAKE_PASSWORD!),
    'no credential in what a login asks for',
  );
});
