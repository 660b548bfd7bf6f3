import assert from 'node:assert/strict';
import { afterEach, test } from 'vitest';
import { buildRunStaleAlert } from '../../orchestration/src/alerts/runStaleAlert.js';
import { postAlert } from '../../orchestration/src/alerts/postAlert.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';

// Shaped like a Slack incoming-webhook URL: the path is the secret.
const TOKEN_PATH = '/services/T0001/B0002/sEcReTtOkEn123?key=qUeRyToKeN456';
const payload = buildRunStaleAlert({
  lastSuccessAt: null,
  staleAfterSeconds: 172_800,
  staleTables: [{ table: 'projects' }],
  checkedAt: '2026-11-24T14:00:00.000Z',
});

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function assertNoToken(error: Error): void {
  for (const secret of ['sEcReTtOkEn123', 'qUeRyToKeN456', '/services/'])
    assert.ok(!error.message.includes(secret), error.message);
  assert.equal(error.cause, undefined, 'a cause would carry details into Temporal history');
}

test('the alert is POSTed as JSON to the webhook URL', async () => {
  receiver = await startWebhookReceiver();
  const result = await postAlert(receiver.url(TOKEN_PATH), payload, { timeoutMs: 5_000 });
  assert.deepEqual(result, { status: 200 });
  assert.equal(receiver.requests.length, 1);
  const [request] = receiver.requests;
  assert.equal(request?.method, 'POST');
  assert.equal(request?.path, TOKEN_PATH);
  assert.match(request?.headers['content-type'] ?? '', /^application\/json/);
  assert.deepEqual(JSON.parse(request?.body ?? ''), payload);
});

test('a 500 throws naming the status and the host, never the path or token', async () => {
  receiver = await startWebhookReceiver(() => ({ status: 500 }));
  const url = receiver.url(TOKEN_PATH);
  const host = new URL(url).host;
  await assert.rejects(postAlert(url, payload, { timeoutMs: 5_000 }), (error: Error) => {
    assert.match(error.message, /HTTP 500/);
    assert.ok(error.message.includes(`alert webhook at ${host}`), error.message);
    assertNoToken(error);
    return true;
  });
});

test('a webhook that does not answer in time throws a timeout naming only the host', async () => {
  receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: 5_000 }));
  const started = Date.now();
  await assert.rejects(postAlert(receiver.url(TOKEN_PATH), payload, { timeoutMs: 300 }), (error: Error) => {
    assert.match(error.message, /did not answer within 300 ms/);
    assertNoToken(error);
    return true;
  });
  assert.ok(Date.now() - started < 3_000, 'gave up at the timeout, not when the server answered');
});

test('an unreachable webhook throws naming the host and the reason, never the token', async () => {
  receiver = await startWebhookReceiver();
  const url = receiver.url(TOKEN_PATH);
  await receiver.close();
  receiver = undefined;
  await assert.rejects(postAlert(url, payload, { timeoutMs: 5_000 }), (error: Error) => {
    assert.match(error.message, /cannot reach the alert webhook at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assertNoToken(error);
    return true;
  });
});
