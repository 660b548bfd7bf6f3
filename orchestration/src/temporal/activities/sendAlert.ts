import { mapStrings } from '../../alerts/alertPayload.js';
import { postAlert } from '../../alerts/postAlert.js';
import { sourcePassword } from '../../source/checkSource.js';
import { redactSecretsInText, scrubSecrets } from '../../util/redact.js';
import type { ActivityDeps } from './activityDeps.js';
import type { SendAlertInput, SendAlertOutput } from './types.js';

/** Below the activity's start-to-close timeout, so a slow webhook fails as a timeout the next attempt can retry. */
export const ALERT_WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs an alert to REBAR_ALERT_WEBHOOK_URL. The URL comes from the worker's config, never from the
 * input, so it never enters Temporal history. Throws when delivery fails, so Temporal retries it.
 */
export function createSendAlert(deps: Pick<ActivityDeps, 'config' | 'sourceUrl'>) {
  return async function sendAlert(input: SendAlertInput): Promise<SendAlertOutput> {
    const url = deps.config.alertWebhookUrl;
    if (!url) return { sent: false, reason: 'no webhook configured' };
    const { status } = await postAlert(url, withoutKnownSecrets(input.payload, deps, url), {
      timeoutMs: ALERT_WEBHOOK_TIMEOUT_MS,
    });
    return { sent: true, status };
  };
}

/**
 * The payload was redacted where it was built; here the worker also knows the actual secrets, so
 * whatever slipped through (a password quoted outside a URL) is removed before it leaves the host.
 */
function withoutKnownSecrets<Payload>(
  payload: Payload,
  deps: Pick<ActivityDeps, 'config' | 'sourceUrl'>,
  webhookUrl: string,
): Payload {
  const secrets = [
    deps.sourceUrl,
    sourcePassword(deps.sourceUrl),
    deps.config.snowflake?.password,
    deps.config.snowflake?.privateKeyPassphrase,
    webhookUrl,
    // Slack's and Teams' tokens are the path: it may be quoted without the host.
    pathAndQuery(webhookUrl),
  ];
  return mapStrings(payload, (text) => scrubSecrets(redactSecretsInText(text), secrets));
}

function pathAndQuery(url: string): string | undefined {
  const parsed = new URL(url);
  const rest = `${parsed.pathname}${parsed.search}`;
  return rest === '/' ? undefined : rest;
}
