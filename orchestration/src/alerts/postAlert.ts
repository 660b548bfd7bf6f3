import type { AlertPayload } from './alertPayload.js';

export interface PostAlertOptions {
  /** The whole request, connecting included. */
  timeoutMs: number;
}

export interface PostAlertResult {
  status: number;
}

/**
 * POSTs one alert as JSON. Throws when the webhook is unreachable, too slow or answers other than
 * 2xx. Errors name only the webhook's host: its path or query may be the token (Slack, Teams), and
 * the message ends up in logs and Temporal history. No `cause` is attached for the same reason.
 */
export async function postAlert(
  url: string,
  payload: AlertPayload,
  options: PostAlertOptions,
): Promise<PostAlertResult> {
  const where = `the alert webhook at ${webhookHost(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      // A redirect could turn the POST into a GET or send the alert elsewhere: report it instead.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
      throw new Error(`Sending an alert failed: ${where} did not answer within ${options.timeoutMs} ms.`);
    }
    throw new Error(
      `Sending an alert failed: cannot reach ${where} (${connectionReason(error, url)}); check REBAR_ALERT_WEBHOOK_URL and the network.`,
    );
  }
  // Drain the body so the connection is released; its content is not needed (and may echo the URL).
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new Error(
      `Sending an alert failed: ${where} answered HTTP ${response.status}; check REBAR_ALERT_WEBHOOK_URL and the receiving service.`,
    );
  }
  return { status: response.status };
}

/** host[:port] of the webhook: safe to show. */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host || 'an unparseable URL';
  } catch {
    return 'an unparseable URL';
  }
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is on its cause. */
function connectionReason(error: unknown, url: string): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  // Belt and braces: no reason may quote the URL itself.
  return reason.split(url).join(webhookHost(url));
}
