import assert from 'node:assert/strict';
import { test } from 'vitest';
import { loadConfig } from '../../orchestration/src/config/config.js';

const complete = {
  REBAR_TARGET: 'snowflake',
  SNOWFLAKE_ACCOUNT: 'myorg-acct',
  SNOWFLAKE_USER: 'loader',
  SNOWFLAKE_PASSWORD: 'pw-secret-123',
  SNOWFLAKE_WAREHOUSE: 'load_wh',
  SNOWFLAKE_DATABASE: 'analytics_db',
};

test('DuckDB is the default target; REBAR_TARGET=snowflake reads the Snowflake settings', () => {
  assert.equal(loadConfig({}).target, 'duckdb');
  assert.equal(loadConfig({}).snowflake, undefined);
  const config = loadConfig({
    ...complete,
    SNOWFLAKE_ROLE: 'loader_role',
    SNOWFLAKE_READER_ROLE: 'bi_reader',
    SNOWFLAKE_ACCESS_URL: 'http://127.0.0.1:8080/',
  });
  assert.equal(config.target, 'snowflake');
  assert.deepEqual(config.snowflake, {
    account: 'myorg-acct',
    user: 'loader',
    password: 'pw-secret-123',
    privateKeyPath: undefined,
    privateKeyPassphrase: undefined,
    role: 'loader_role',
    warehouse: 'load_wh',
    database: 'analytics_db',
    readerRole: 'bi_reader',
    accessUrl: 'http://127.0.0.1:8080',
    loadWarehouse: 'load_wh',
    queryTag: 'rebar:load',
    statementTimeoutSeconds: 3600,
    fileBytes: 128 * 1024 * 1024,
  });
});

test('loading and dbt can use warehouses of their own size; the loader tags its sessions and bounds its statements', () => {
  const config = loadConfig({
    ...complete,
    SNOWFLAKE_LOAD_WAREHOUSE: 'rebar_load_xs',
    SNOWFLAKE_QUERY_TAG: 'acme-nightly',
    SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS: '900',
    SNOWFLAKE_FILE_MB: '200',
  });
  assert.equal(config.snowflake?.warehouse, 'load_wh', 'dbt (profiles.yml) keeps SNOWFLAKE_WAREHOUSE');
  assert.equal(config.snowflake?.loadWarehouse, 'rebar_load_xs');
  assert.equal(config.snowflake?.queryTag, 'acme-nightly:load');
  assert.equal(config.snowflake?.statementTimeoutSeconds, 900);
  assert.equal(config.snowflake?.fileBytes, 200 * 1024 * 1024);
  assert.throws(
    () => loadConfig({ ...complete, SNOWFLAKE_FILE_MB: '0.5' }),
    /SNOWFLAKE_FILE_MB must be a whole number >= 1 \(got "0.5"\)/,
  );
});

test('an unknown target is refused, naming the choices', () => {
  assert.throws(
    () => loadConfig({ REBAR_TARGET: 'bigquery' }),
    /REBAR_TARGET must be duckdb \(the default\) or snowflake/,
  );
});

test('missing Snowflake settings are all listed at once, each with its fix', () => {
  assert.throws(
    () => loadConfig({ REBAR_TARGET: 'snowflake' }),
    (error: Error) => {
      for (const name of [
        'SNOWFLAKE_ACCOUNT',
        'SNOWFLAKE_USER',
        'SNOWFLAKE_WAREHOUSE',
        'SNOWFLAKE_DATABASE',
        'SNOWFLAKE_PASSWORD / SNOWFLAKE_PRIVATE_KEY_PATH',
      ]) {
        assert.match(error.message, new RegExp(`- ${name}: .*(set|required)`), name);
      }
      return true;
    },
  );
});

test('password and key pair together, or a passphrase without a key, are refused without echoing the secrets', () => {
  assert.throws(
    () => loadConfig({ ...complete, SNOWFLAKE_PRIVATE_KEY_PATH: '/keys/rsa_key.p8' }),
    (error: Error) => {
      assert.match(error.message, /both are set; unset one of them/);
      assert.doesNotMatch(error.message, /pw-secret-123/);
      return true;
    },
  );
  const withoutPassword = { ...complete, SNOWFLAKE_PASSWORD: '' };
  assert.throws(
    () => loadConfig({ ...withoutPassword, SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'phrase-secret-456' }),
    (error: Error) => {
      assert.match(error.message, /SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: set without SNOWFLAKE_PRIVATE_KEY_PATH/);
      assert.doesNotMatch(error.message, /phrase-secret-456/);
      return true;
    },
  );
  const keyPair = loadConfig({
    ...withoutPassword,
    SNOWFLAKE_PRIVATE_KEY_PATH: '/keys/rsa_key.p8',
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'phrase-secret-456',
  });
  assert.equal(keyPair.snowflake?.privateKeyPath, '/keys/rsa_key.p8');
});

test('a malformed SNOWFLAKE_ACCESS_URL is refused', () => {
  assert.throws(
    () => loadConfig({ ...complete, SNOWFLAKE_ACCESS_URL: 'localhost:8080' }),
    /SNOWFLAKE_ACCESS_URL must be an endpoint like https:\/\/host:port/,
  );
});
