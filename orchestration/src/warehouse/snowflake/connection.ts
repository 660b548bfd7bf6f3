import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type snowflake from 'snowflake-sdk';
import type { SnowflakeSettings } from '../../config/config.js';
import { scrubSecrets } from '../../util/redact.js';

let driver: Promise<typeof snowflake> | undefined;

/**
 * snowflake-sdk, loaded on first use: DuckDB runs never load it (on Node 20 its AWS SDK prints a
 * Node-version warning at import). Its own logging is off (it would write a file in the working
 * directory); Rebar logs for itself.
 */
function loadDriver(): Promise<typeof snowflake> {
  driver ??= import('snowflake-sdk').then(({ default: sdk }) => {
    sdk.configure({ logLevel: 'OFF' });
    return sdk;
  });
  return driver;
}

export type Bind = string | number | boolean | null;

/** Rows per multi-row INSERT: few round trips, statements of modest size. */
const INSERT_BATCH_ROWS = 200;

/** One open Snowflake session: a thin promise wrapper over snowflake-sdk's callback API. */
export interface SnowflakeSession {
  /** Runs one statement; rows come back as objects keyed by the (upper-case) column names. */
  query(sqlText: string, binds?: Bind[]): Promise<Record<string, unknown>[]>;
  /** Runs one DML statement and returns the rows it changed. */
  execute(sqlText: string, binds?: Bind[]): Promise<number>;
  /**
   * Inserts rows with one multi-row VALUES statement per batch: `insertInto` is the statement up to
   * VALUES (e.g. `insert into t`), every row has the same number of values.
   */
  insertRows(insertInto: string, rows: Bind[][]): Promise<number>;
}

/** Where a session connects, for error messages: never the password, private key or passphrase. */
export function describeTarget(settings: SnowflakeSettings): string {
  const host = settings.accessUrl ?? `https://${settings.account}.snowflakecomputing.com`;
  return `Snowflake account ${settings.account} as user ${settings.user} at ${host}`;
}

function secretsOf(settings: SnowflakeSettings): string[] {
  const secrets = [settings.password, settings.privateKeyPassphrase].filter((value): value is string => Boolean(value));
  return secrets;
}

/** The connection options for snowflake-sdk; the private key is read from its file here, never logged. */
function connectionOptions(settings: SnowflakeSettings, schema: string): snowflake.ConnectionOptions {
  const common: snowflake.ConnectionOptions = {
    account: settings.account,
    username: settings.user,
    database: settings.database,
    schema,
    warehouse: settings.loadWarehouse,
    role: settings.role,
    application: 'rebar',
    // Sent with the login: every statement of the session carries it in QUERY_HISTORY.
    queryTag: settings.queryTag,
    // Fail a bad login or an unreachable endpoint after two retries. (retryTimeout is not set: the
    // driver raises any value below 300 s to 300.)
    sfRetryMaxLoginRetries: 2,
    ...(settings.accessUrl ? { accessUrl: settings.accessUrl } : {}),
  };
  if (settings.privateKeyPath) {
    const privateKey = readPrivateKey(settings);
    return {
      ...common,
      authenticator: 'SNOWFLAKE_JWT',
      privateKey,
      ...(settings.privateKeyPassphrase ? { privateKeyPass: settings.privateKeyPassphrase } : {}),
    };
  }
  return { ...common, password: settings.password };
}

/**
 * The private key file's text, checked before any connection: readable, a PEM private key, and
 * decryptable with the passphrase, so each mistake gets its own message (never the key or passphrase).
 */
function readPrivateKey(settings: SnowflakeSettings): string {
  const file = `SNOWFLAKE_PRIVATE_KEY_PATH=${settings.privateKeyPath}`;
  let pem: string;
  try {
    pem = readFileSync(settings.privateKeyPath ?? '', 'utf8');
  } catch {
    throw new Error(`Cannot read the private key file ${file} for ${describeTarget(settings)}.`);
  }
  const encrypted = pem.includes('ENCRYPTED PRIVATE KEY');
  if (encrypted && !settings.privateKeyPassphrase) {
    throw new Error(`The private key ${file} is encrypted: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE to its passphrase.`);
  }
  try {
    createPrivateKey({
      key: pem,
      format: 'pem',
      ...(settings.privateKeyPassphrase ? { passphrase: settings.privateKeyPassphrase } : {}),
    });
  } catch {
    throw new Error(
      encrypted
        ? `Cannot decrypt the private key ${file}: SNOWFLAKE_PRIVATE_KEY_PASSPHRASE is not its passphrase.`
        : `${file} is not a PEM private key (expected a PKCS#8 file, e.g. rsa_key.p8 from Snowflake's key-pair guide).`,
    );
  }
  return pem;
}

/** An error that names the target and the statement's failure, with every credential removed. */
function cleanError(settings: SnowflakeSettings, prefix: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  return new Error(scrubSecrets(`${prefix}: ${detail}`, secretsOf(settings)));
}

/** Opens a session with the raw schema as its current schema (temporary tables live there), runs `work`, closes it. */
export async function withSnowflake<T>(
  settings: SnowflakeSettings,
  schema: string,
  work: (session: SnowflakeSession) => Promise<T>,
): Promise<T> {
  const connection = (await loadDriver()).createConnection(connectionOptions(settings, schema));
  await new Promise<void>((resolveConnect, rejectConnect) => {
    connection.connect((error) => {
      if (error)
        rejectConnect(
          cleanError(
            settings,
            `Cannot connect to ${describeTarget(settings)} (check SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and the password or key; SNOWFLAKE_ACCESS_URL if set)`,
            error,
          ),
        );
      else resolveConnect();
    });
  });
  const run = (sqlText: string, binds: Bind[] | undefined) =>
    new Promise<{ rows: Record<string, unknown>[]; changed: number }>((resolveRun, rejectRun) => {
      connection.execute({
        sqlText,
        ...(binds ? { binds } : {}),
        complete: (error, statement, rows) => {
          // The statement's text holds no credentials (values travel as binds); its start says which step failed.
          if (error)
            rejectRun(
              cleanError(
                settings,
                `Snowflake statement failed (${describeTarget(settings)}; ${sqlText.replace(/\s+/g, ' ').slice(0, 120)})`,
                error,
              ),
            );
          else
            resolveRun({
              rows: (rows ?? []) as Record<string, unknown>[],
              changed: statement.getNumUpdatedRows() ?? 0,
            });
        },
      });
    });
  const session: SnowflakeSession = {
    query: async (sqlText, binds) => (await run(sqlText, binds)).rows,
    execute: async (sqlText, binds) => (await run(sqlText, binds)).changed,
    insertRows: async (insertInto, rows) => {
      let inserted = 0;
      for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
        const batch = rows.slice(start, start + INSERT_BATCH_ROWS);
        const tuples = batch.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ');
        inserted += (
          await run(
            `${insertInto} values ${tuples}`,
            batch.flat().map((value) => value ?? null),
          )
        ).changed;
      }
      return inserted;
    },
  };
  try {
    // Session settings that do not depend on the account's defaults: timestamps without an offset and
    // CURRENT_TIMESTAMP() in UTC (the default is America/Los_Angeles), and a stuck statement stopped.
    await run(
      `alter session set timezone = 'UTC' statement_timeout_in_seconds = ${Math.trunc(settings.statementTimeoutSeconds)}`,
      undefined,
    );
    return await work(session);
  } finally {
    await new Promise<void>((resolveDestroy) => connection.destroy(() => resolveDestroy()));
  }
}

/**
 * Runs `work` in one transaction: committed if it returns, rolled back if it throws. Snowflake
 * commits implicitly before any DDL, so callers create and alter tables before this, never inside.
 */
export async function inTransaction<T>(session: SnowflakeSession, work: () => Promise<T>): Promise<T> {
  await session.execute('begin transaction');
  try {
    const result = await work();
    await session.execute('commit');
    return result;
  } catch (error) {
    await session.execute('rollback').catch(() => undefined);
    throw error;
  }
}
