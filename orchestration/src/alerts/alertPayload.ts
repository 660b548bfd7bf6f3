import type { AlertLine } from '../runs/alertsSummary.js';
import { redactSecretsInText } from '../util/redact.js';

/**
 * The JSON body Rebar POSTs to REBAR_ALERT_WEBHOOK_URL. `text` is for people (Slack incoming
 * webhooks show it as the message); `kind` and `details` are for machines. Built in workflow code
 * and passed to the sendAlert activity, so it lands in Temporal history: it never holds a secret.
 */
export type AlertPayload = RunFailedAlert | RunStaleAlert | BusinessAlertsAlert | WalRetainedAlert;

export type AlertKind = AlertPayload['kind'];
export type AlertSeverity = 'error' | 'warning' | 'info';

interface AlertEnvelope<Kind extends string, Details> {
  source: 'rebar';
  kind: Kind;
  severity: AlertSeverity;
  title: string;
  text: string;
  runId?: string;
  workflowId?: string;
  /** ISO 8601: when the run finished, or when the staleness check ran. */
  occurredAt: string;
  details: Details;
}

export type RunFailedAlert = AlertEnvelope<'run_failed', RunFailedDetails>;
export type RunStaleAlert = AlertEnvelope<'run_stale', RunStaleDetails>;
export type BusinessAlertsAlert = AlertEnvelope<'business_alerts', BusinessAlertsDetails>;
export type WalRetainedAlert = AlertEnvelope<'wal_retained', WalRetainedDetails>;

export interface RunFailedDetails {
  failedTables: { table: string; error: string }[];
  failedNodes: {
    uniqueId: string;
    resourceType: string;
    status: string;
    attachedNode: string | null;
    message: string | null;
    compiledPath: string | null;
  }[];
  retentionError: string | null;
  /** One line per problem, as the CLI prints them; the first ALERT_LINES_MAX. */
  reasons: string[];
  /** Problems left out of the lists above (see _rebar.run_tables / _rebar.run_models). */
  omitted: number;
  tablesTotal: number;
  published: boolean;
}

export interface RunStaleDetails {
  lastSuccessAt: string | null;
  staleAfterSeconds: number;
  staleTables: { table: string; lastLoadedAt: string | null }[];
  omitted: number;
}

export interface WalRetainedDetails {
  slot: string;
  retainedBytesBefore: number;
  retainedBytesAfter: number;
  limitBytes: number;
}

export interface BusinessAlertsDetails {
  total: number;
  byType: Record<string, number>;
  first: AlertLine[];
  omitted: number;
}

/** Lines listed per alert (the rest are counted): a webhook message is read on a phone. */
export const ALERT_LINES_MAX = 20;
/** A free-text field longer than this is cut: payloads travel through Temporal history. */
export const ALERT_FIELD_MAX = 500;

/** Cuts a free-text field to ALERT_FIELD_MAX characters, saying so. */
export function clip(text: string): string {
  return text.length <= ALERT_FIELD_MAX ? text : `${text.slice(0, ALERT_FIELD_MAX - 1)}…`;
}

/**
 * Every string in the payload through the free-text redaction: one pass over the finished payload
 * cannot forget a field the way per-field calls can.
 */
export function redactPayload<Payload extends AlertPayload>(payload: Payload): Payload {
  return mapStrings(payload, redactSecretsInText);
}

/** A deep copy of a JSON value with every string passed through `map`. */
export function mapStrings<Value>(value: Value, map: (text: string) => string): Value {
  if (typeof value === 'string') return map(value) as Value;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map)) as Value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as Value;
  }
  return value;
}
