import pg from 'pg';
import { scrubSecrets } from '../util/redact.js';
import { classifySourceError } from './sourceErrors.js';

export class SourceUnreachableError extends Error {
  override name = 'SourceUnreachableError';
}

/** The source answered, and refused in a way no retry fixes (see sourceErrors.ts). */
export class SourcePermanentError extends Error {
  override name = 'SourcePermanentError';
}

export class SourceCredentialsError extends SourcePermanentError {
  override name = 'SourceCredentialsError';
}

/** host:port/database of a connection URL: safe to log, never the user's password. */
export function describeSource(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || ''}`;
  } catch {
    return 'the configured source (REBAR_SOURCE_URL is not a valid URL)';
  }
}

export function sourcePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** Connects once and runs `select 1`; the error names host and port and how to fix it. */
export async function checkSource(url: string, timeoutMs = 10_000): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'rebar-check',
    connectionTimeoutMillis: timeoutMs,
  });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    const message = scrubSecrets(error instanceof Error ? error.message : String(error), [sourcePassword(url), url]);
    const code = (error as { code?: string }).code;
    if (code === '28P01' || code === '28000') {
      throw new SourceCredentialsError(
        `The source PostgreSQL at ${describeSource(url)} rejected the login (${message}): fix the user or password in REBAR_SOURCE_URL.`,
      );
    }
    const { permanent, hint } = classifySourceError(error);
    if (permanent)
      throw new SourcePermanentError(
        `The source PostgreSQL at ${describeSource(url)} answered but refused (${message}): ${hint}.`,
      );
    throw new SourceUnreachableError(
      `Cannot reach the source PostgreSQL at ${describeSource(url)} (${message}): check REBAR_SOURCE_URL and that the server is running and accepts connections from this host.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
