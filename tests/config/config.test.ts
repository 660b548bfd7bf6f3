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
  assert.throws(
    () => loadConfig({ REBAR_SOURCE_URL: 'mysql://x' }),
    (error: Error) => error instanceof ConfigError && /REBAR_SOURCE_URL/.test(error.message),
  );
  assert.throws(
    () => loadConfig({ REBAR_EXTRACT_PARALLELISM: 'lots' }),
    /REBAR_EXTRACT_PARALLELISM must be a whole number/,
  );
  assert.throws(() => loadConfig({ REBAR_SCHEDULE_TIMEZONE: 'Mars/Olympus' }), /unknown IANA time zone/);
  assert.throws(
    () => loadConfig({ REBAR_SCHEDULE_CRON: 'every night' }),
    /REBAR_SCHEDULE_CRON: "every night" is not a cron expression/,
  );
  assert.throws(
    () => loadConfig({ REBAR_SCHEDULE_CATCHUP_WINDOW: 'soon' }),
    /REBAR_SCHEDULE_CATCHUP_WINDOW must be a duration/,
  );
  assert.equal(loadConfig({ REBAR_SCHEDULE_CATCHUP_WINDOW: '3 hours' }).scheduleCatchupWindow, '3 hours');
  assert.throws(
    () => loadConfig({ REBAR_DUCKDB_MEMORY_LIMIT: 'lots' }),
    /REBAR_DUCKDB_MEMORY_LIMIT must be a size like "512MB"/,
  );
  assert.equal(loadConfig({ REBAR_DUCKDB_MEMORY_LIMIT: '512MB' }).duckdbMemoryLimit, '512MB');
  assert.equal(loadConfig({}).duckdbMemoryLimit, undefined);
  assert.throws(() => loadConfig({ REBAR_LOG_LEVEL: 'loud' }), /REBAR_LOG_LEVEL/);
});

test('a source password never appears in a config error', () => {
  assert.throws(
    () => loadConfig({ REBAR_SOURCE_URL: 'mysql://user:hunter2secret@host/db' }),
    (error: Error) => !error.message.includes('hunter2secret'),
  );
});

test('the alert webhook must be an http(s) URL, and its token is never echoed', () => {
  assert.equal(loadConfig({}).alertWebhookUrl, undefined);
  assert.equal(loadConfig({ REBAR_ALERT_WEBHOOK_URL: '' }).alertWebhookUrl, undefined);
  const slack = 'https://hooks.slack.com/services/T000/B000/tokenXYZ123';
  assert.equal(loadConfig({ REBAR_ALERT_WEBHOOK_URL: slack }).alertWebhookUrl, slack);
  assert.equal(
    loadConfig({ REBAR_ALERT_WEBHOOK_URL: 'http://127.0.0.1:8080/hook' }).alertWebhookUrl,
    'http://127.0.0.1:8080/hook',
  );
  for (const bad of [
    'hooks.slack.com/services/T000/B000/tokenXYZ123',
    'ftp://hooks.example.com/tokenXYZ123',
    'https://',
    'https:// spaced.example.com/tokenXYZ123',
  ]) {
    assert.throws(
      () => loadConfig({ REBAR_ALERT_WEBHOOK_URL: bad }),
      (error: Error) =>
        error instanceof ConfigError &&
        /REBAR_ALERT_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/.test(error.message) &&
        /unset it to send no alerts/.test(error.message) &&
        !error.message.includes('tokenXYZ123'),
      bad,
    );
  }
});

test('mode cdc and Temporal cluster settings: defaults, and bad values named with the fix', () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.cdc, { slot: 'rebar', publication: 'rebar', maxRetainedWalBytes: 1024 * 1024 * 1024 });
  assert.equal(defaults.temporalConnection.tls, false);
  assert.throws(
    () => loadConfig({ REBAR_CDC_SLOT: 'Rebar-Slot' }),
    /REBAR_CDC_SLOT must be 1-63 lowercase letters, digits or underscores/,
  );
  // An API key means Temporal Cloud: TLS on, the key kept for the connection and out of every message.
  const cloud = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-secret-123' });
  assert.equal(cloud.temporalConnection.tls, true);
  assert.equal(cloud.temporalConnection.apiKey, 'key-secret-123');
  assert.equal(loadConfig({ TEMPORAL_TLS: 'true' }).temporalConnection.tls, true);
  assert.throws(
    () => loadConfig({ TEMPORAL_TLS_CERT: '/etc/rebar/client.pem' }),
    (error: Error) => /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/.test(error.message),
  );
  assert.throws(() => loadConfig({ TEMPORAL_TLS: 'yes' }), /TEMPORAL_TLS must be true or false/);
});
