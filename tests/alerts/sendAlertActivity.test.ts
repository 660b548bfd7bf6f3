import assert from 'node:assert/strict';
import { afterEach, test } from 'vitest';
import { buildRunStaleAlert } from '../../orchestration/src/alerts/runStaleAlert.js';
import { createSendAlert } from '../../orchestration/src/temporal/activities/sendAlert.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';
import { testConfig } from '../support/testConfig.js';

const SOURCE_PASSWORD = 'sourcePw-9876';
const sourceUrl = `postgresql://rebar:${SOURCE_PASSWORD}@db.internal:5432/field`;

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

test('without REBAR_ALERT_WEBHOOK_URL the activity sends nothing and says why', async () => {
  receiver = await startWebhookReceiver();
  const sendAlert = createSendAlert({ config: testConfig(), sourceUrl });
  const payload = buildRunStaleAlert({ lastSuccessAt: null, staleAfterSeconds: 3_600, staleTables: [] });
  assert.deepEqual(await sendAlert({ payload }), { sent: false, reason: 'no webhook configured' });
  assert.equal(receiver.requests.length, 0);
});

test('with a webhook configured the activity posts the payload, stripped of any secret the worker knows', async () => {
  receiver = await startWebhookReceiver();
  const webhookUrl = receiver.url('/hooks/tokenAbc123');
  const sendAlert = createSendAlert({ config: testConfig({ REBAR_ALERT_WEBHOOK_URL: webhookUrl }), sourceUrl });
  // A password quoted outside any URL gets past the builder's redaction; the worker knows it.
  const payload = buildRunStaleAlert({
    lastSuccessAt: null,
    staleAfterSeconds: 3_600,
    staleTables: [{ table: `login as rebar / ${SOURCE_PASSWORD} to ${webhookUrl}, path /hooks/tokenAbc123` }],
  });
  assert.ok(JSON.stringify(payload).includes(SOURCE_PASSWORD));
  assert.deepEqual(await sendAlert({ payload }), { sent: true, status: 200 });
  const body = receiver.requests[0]?.body ?? '';
  assert.equal(receiver.requests.length, 1);
  assert.equal(JSON.parse(body).kind, 'run_stale');
  assert.ok(!body.includes(SOURCE_PASSWORD) && !body.includes('tokenAbc123'), body);
});

test('a failing webhook makes the activity throw, so Temporal retries it', async () => {
  receiver = await startWebhookReceiver(() => ({ status: 503 }));
  const sendAlert = createSendAlert({
    config: testConfig({ REBAR_ALERT_WEBHOOK_URL: receiver.url('/hooks/tokenAbc123') }),
    sourceUrl,
  });
  const payload = buildRunStaleAlert({ lastSuccessAt: null, staleAfterSeconds: 3_600, staleTables: [] });
  await assert.rejects(
    sendAlert({ payload }),
    (error: Error) => /HTTP 503/.test(error.message) && !error.message.includes('tokenAbc123'),
  );
});
