import pg from 'pg';

/**
 * Which source errors a retry can fix. Postgres names every error with a SQLSTATE: a missing
 * database, role, schema, table or column, a refused login or a missing privilege stays so until
 * someone changes the source or the configuration, so retrying only delays the report (five
 * attempts, half a minute). A server that is down, starting, shutting down or full, a dropped
 * connection, a timeout, a serialization failure or deadlock may pass: those are retried.
 * Anything unrecognised is retried too, as before: the bounded retry is the safe default.
 */
const PERMANENT_SQLSTATES: Record<string, string> = {
  '3D000': 'the database in REBAR_SOURCE_URL does not exist: fix the database name in REBAR_SOURCE_URL',
  '3F000': 'a schema Rebar reads does not exist: fix the schema name or create it',
  '28P01': 'the source rejected the password: fix the user or password in REBAR_SOURCE_URL',
  '28000':
    'the source rejected the login (unknown role, or no pg_hba.conf entry for it): fix the user in REBAR_SOURCE_URL or let that role connect',
  '42P01':
    'a table Rebar reads does not exist: fix the name in the tables config (REBAR_TABLES_CONFIG) or create the table',
  '42501':
    'the source role lacks a privilege Rebar needs: grant it SELECT on the tables it reads (and USAGE on their schema)',
  '42703':
    'a column Rebar reads does not exist: fix the tables config (cursor, primary_key, soft_delete, retention columns)',
};

export interface SourceErrorClass {
  permanent: boolean;
  /** How to fix a permanent error; undefined for transient ones. */
  hint: string | undefined;
  /** The SQLSTATE or network error code, when there is one. */
  code: string | undefined;
}

/** Classifies an error raised by the pg driver while talking to the source. */
export function classifySourceError(error: unknown): SourceErrorClass {
  const code = errorCode(error);
  if (code && code in PERMANENT_SQLSTATES) return { permanent: true, hint: PERMANENT_SQLSTATES[code], code };
  // Class 42 (syntax error or access rule violation) beyond those named above cannot pass either.
  if (error instanceof pg.DatabaseError && code?.startsWith('42'))
    return {
      permanent: true,
      hint: 'the source refused the statement: check the tables config against the source schema',
      code,
    };
  return { permanent: false, hint: undefined, code };
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  // Node reports a refused connection to every address of a host as an AggregateError of them.
  const inner = (error as { errors?: unknown[] } | null)?.errors?.[0];
  const innerCode = (inner as { code?: unknown } | undefined)?.code;
  return typeof innerCode === 'string' ? innerCode : undefined;
}
