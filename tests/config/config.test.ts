import assert from 'node:assert/strict';
import { test } from 'vitest';
import { ConfigError, loadConfig } from '../../orchestration/src/config/config.js';

test('with no environment, the embedded defaults are used', () => {
  const config = loadConfig({});
  assert.equal(config.sourceUrl, undefined);
  assert.equal(config.temporalAddress, undefined);
  assert.match(config.warehousePath, /\.rebar\/warehouse\.duckdb$/);
  assert.equal(config.scheduleCron, '0 2 * * *');
  assert.equal(config.extractParallelism, 4);
});

test('invalid settings fail fast, naming the variable and the fix', () => {
  assert.throws(() => loadConfig({ REBAR_SOURCE_URL: 'mysql://x' }), (error: Error) => error instanceof ConfigError && /REBAR_SOURCE_URL/.test(error.message));
  assert.throws(() => loadConfig({ REBAR_EXTRACT_PARALLELISM: 'lots' }), /REBAR_EXTRACT_PARALLELISM must be a whole number/);
  assert.throws(() => loadConfig({ REBAR_SCHEDULE_TIMEZONE: 'Mars/Olympus' }), /unknown IANA time zone/);
  assert.throws(() => loadConfig({ REBAR_LOG_LEVEL: 'loud' }), /REBAR_LOG_LEVEL/);
});

test('a source password never appears in a config error', () => {
  assert.throws(
    () => loadConfig({ REBAR_SOURCE_URL: 'mysql://user:hunter2secret@host/db' }),
    (error: Error) => !error.message.includes('hunter2secret'),
  );
});
