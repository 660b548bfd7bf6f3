import { resolve } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { findProjectRoot } from './projectRoot.js';
import { UserError } from '../errors/userError.js';
import type { CdcSettings } from '../cdc/cdcSettings.js';
import { temporalConnectionSettings, type TemporalConnectionSettings } from '../temporal/temporalConnectionSettings.js';

/**
 * The one place Rebar reads its environment. Everything else receives a typed RebarConfig.
 * Invalid settings fail at start-up with the variable's name and how to fix it.
 */
const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number >= 1 (got "${value}")` });
        return z.NEVER;
      }
      return parsed;
    });

/** Durations as Temporal's client parses them (the `ms` format): a number and a unit. */
const CATCHUP_WINDOW = /^\d+\s*(m|minutes?|h|hours?|d|days?)$/;
const DUCKDB_SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

// Postgres takes only these characters in a replication slot's name; the publication follows suit.
const replicationName = (name: string) =>
  z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^[a-z0-9_]{1,63}$/.test(value), {
      message: `${name} must be 1-63 lowercase letters, digits or underscores (a Postgres replication slot or publication name)`,
    });

const envSchema = z.object({
  REBAR_SOURCE_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^postgres(ql)?:\/\//.test(value), {
      message:
        'REBAR_SOURCE_URL must be a postgres:// or postgresql:// connection URL, or unset for the embedded demo source',
    }),
  REBAR_STATE_DIR: z.string().optional(),
  REBAR_WAREHOUSE_PATH: z.string().optional(),
  REBAR_PUBLISHED_PATH: z.string().optional(),
  REBAR_TABLES_CONFIG: z.string().optional(),
  REBAR_PG_BIN_DIR: z.string().optional(),
  REBAR_DBT_BIN: z.string().optional(),
  REBAR_TEMPORAL_BIN: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().optional(),
  TEMPORAL_TLS: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  REBAR_TASK_QUEUE: z.string().optional(),
  REBAR_EXTRACT_PARALLELISM: positiveInt('REBAR_EXTRACT_PARALLELISM', 4),
  REBAR_CHUNK_ROWS: positiveInt('REBAR_CHUNK_ROWS', 250_000),
  REBAR_CDC_SLOT: replicationName('REBAR_CDC_SLOT'),
  REBAR_CDC_PUBLICATION: replicationName('REBAR_CDC_PUBLICATION'),
  REBAR_CDC_MAX_RETAINED_WAL_MB: positiveInt('REBAR_CDC_MAX_RETAINED_WAL_MB', 1024),
  REBAR_CONTENT_CHECK_SECONDS: positiveInt('REBAR_CONTENT_CHECK_SECONDS', 10),
  REBAR_CONTENT_CHECK_ROWS: positiveInt('REBAR_CONTENT_CHECK_ROWS', 50_000),
  REBAR_DUCKDB_MEMORY_LIMIT: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || DUCKDB_SIZE.test(value), {
      message:
        'REBAR_DUCKDB_MEMORY_LIMIT must be a size like "512MB" or "2GB": the most memory the loader\'s DuckDB may hold (it spills to disk beyond it); unset for DuckDB\'s own default (80% of RAM)',
    }),
  REBAR_SCHEDULE_CRON: z.string().optional(),
  REBAR_SCHEDULE_TIMEZONE: z.string().optional(),
  REBAR_SCHEDULE_CATCHUP_WINDOW: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || CATCHUP_WINDOW.test(value), {
      message:
        'REBAR_SCHEDULE_CATCHUP_WINDOW must be a duration like "12 hours", "30 minutes" or "2 days" (how late a missed nightly run may still start)',
    }),
  REBAR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  REBAR_ALERT_WEBHOOK_URL: z
    .string()
    .optional()
    // The message never echoes the value: webhook URLs carry their token in the path or query.
    .refine(
      (value) => value === undefined || value === '' || (/^https?:\/\/[^\s/?#]+/i.test(value) && URL.canParse(value)),
      {
        message:
          'REBAR_ALERT_WEBHOOK_URL must be an http:// or https:// URL (e.g. a Slack or Teams incoming-webhook URL); fix it, or unset it to send no alerts',
      },
    ),
  REBAR_TARGET: z
    .enum(['', 'duckdb', 'snowflake'], { message: 'REBAR_TARGET must be duckdb (the default) or snowflake' })
    .optional(),
  // The same variables profiles.yml's prod target reads (SNOWFLAKE_SCHEMA is dbt's target schema there; the loader writes RAW).
  SNOWFLAKE_ACCOUNT: z.string().optional(),
  SNOWFLAKE_USER: z.string().optional(),
  SNOWFLAKE_PASSWORD: z.string().optional(),
  SNOWFLAKE_PRIVATE_KEY_PATH: z.string().optional(),
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: z.string().optional(),
  SNOWFLAKE_ROLE: z.string().optional(),
  SNOWFLAKE_WAREHOUSE: z.string().optional(),
  SNOWFLAKE_DATABASE: z.string().optional(),
  SNOWFLAKE_SCHEMA: z.string().optional(),
  SNOWFLAKE_READER_ROLE: z.string().optional(),
  // The loader's own warehouse (loading and dbt sized apart); unset: SNOWFLAKE_WAREHOUSE.
  SNOWFLAKE_LOAD_WAREHOUSE: z.string().optional(),
  SNOWFLAKE_QUERY_TAG: z.string().optional(),
  SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS: positiveInt('SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS', 3600),
  SNOWFLAKE_FILE_MB: positiveInt('SNOWFLAKE_FILE_MB', 128),
  SNOWFLAKE_ACCESS_URL: z
    .string()
    .optional()
    .refine((value) => value === undefined || value === '' || /^https?:\/\/[^\s/]+\/?$/.test(value), {
      message:
        "SNOWFLAKE_ACCESS_URL must be an endpoint like https://host:port (for tests against an emulator), or unset to use the account's own endpoint",
    }),
});

/** Every environment variable Rebar reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface RebarConfig {
  projectRoot: string;
  stateDir: string;
  /** Unset means: start the embedded demo source (an ephemeral local Postgres cluster). */
  sourceUrl: string | undefined;
  /** The working DuckDB file: the loader and dbt write it. */
  warehousePath: string;
  /** The DuckDB file readers open (Metabase, analysts): the last fully successful run, replaced atomically. */
  publishedPath: string;
  tablesConfigPath: string;
  pgBinDir: string;
  dbtBin: string;
  dbtProjectDir: string;
  /**
   * The retention policy for tables with `retention` in the tables config: the dbt seed itself, so
   * the periods the loader prunes by and the ones the models see are one file.
   */
  retentionPolicyPath: string;
  temporalBin: string;
  /** Unset means: start a local Temporal dev server. */
  temporalAddress: string | undefined;
  temporalNamespace: string;
  /** TLS and API key for a Temporal cluster (TEMPORAL_TLS*, TEMPORAL_API_KEY); the API key is a secret. */
  temporalConnection: TemporalConnectionSettings;
  taskQueue: string;
  extractParallelism: number;
  /** Rows per extraction chunk; each chunk commits with its watermark. */
  chunkRows: number;
  /**
   * The nightly content check (load/contentCheck.ts): wall time per table per run, and rows per
   * compared key range. A small table is compared whole each night, a big one a rotating share.
   */
  contentCheck: { budgetMs: number; rangeRows: number };
  /** Tables in mode cdc (docs/cdc.md): the source's replication slot and publication Rebar owns, and how much WAL the slot may hold before a run alerts. */
  cdc: CdcSettings;
  /** memory_limit of the loader's DuckDB instance (e.g. "512MB"); undefined: DuckDB's default. */
  duckdbMemoryLimit: string | undefined;
  scheduleCron: string;
  scheduleTimezone: string;
  /**
   * How late a scheduled run that was missed (Temporal or every worker down at the scheduled time)
   * may still start when they come back; later ones are skipped, not piled up.
   */
  scheduleCatchupWindow: string;
  logLevel: string;
  /**
   * Where failure, staleness and business alerts are POSTed as JSON; unset means no alerts are sent.
   * May hold a token (Slack and Teams webhook URLs carry their secret in the path): never logged,
   * put in workflow history, activity inputs or alert payloads, and errors name only its host.
   */
  alertWebhookUrl: string | undefined;
  /** The warehouse the loader writes: the embedded DuckDB file (default) or Snowflake. */
  target: 'duckdb' | 'snowflake';
  /** Set when target is snowflake. Holds credentials: never logged, returned or put in workflow history. */
  snowflake: SnowflakeSettings | undefined;
}

/** How the Snowflake loader connects. Exactly one of password and privateKeyPath is set. */
export interface SnowflakeSettings {
  account: string;
  user: string;
  password: string | undefined;
  privateKeyPath: string | undefined;
  privateKeyPassphrase: string | undefined;
  role: string | undefined;
  warehouse: string;
  database: string;
  /** The role BI tools and analysts read PUBLISHED with: granted on each newly published version before it is swapped in. */
  readerRole: string | undefined;
  /** An endpoint override (e.g. http://127.0.0.1:PORT for the fakesnow emulator in tests); unset in production. */
  accessUrl: string | undefined;
  /** The virtual warehouse loader sessions use (SNOWFLAKE_LOAD_WAREHOUSE, else `warehouse`, which dbt uses). */
  loadWarehouse: string;
  /** QUERY_TAG of loader sessions (dbt's sessions carry SNOWFLAKE_QUERY_TAG itself, see profiles.yml). */
  queryTag: string;
  /** STATEMENT_TIMEOUT_IN_SECONDS of loader sessions: a stuck statement fails the activity (which Temporal retries) instead of running up credits. */
  statementTimeoutSeconds: number;
  /** Target size of one compressed file the bulk path PUTs to the stage. */
  fileBytes: number;
}

export class ConfigError extends UserError {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RebarConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || 'environment'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid Rebar configuration:\n${problems.join('\n')}`);
  }
  const vars = parsed.data;
  const projectRoot = findProjectRoot();
  const fromRoot = (path: string) => resolve(projectRoot, path);
  const stateDir = fromRoot(vars.REBAR_STATE_DIR || '.rebar');
  const timezone = vars.REBAR_SCHEDULE_TIMEZONE || 'UTC';
  if (!isKnownTimezone(timezone)) {
    throw new ConfigError(
      `Invalid Rebar configuration:\n  - REBAR_SCHEDULE_TIMEZONE: unknown IANA time zone "${timezone}" (e.g. UTC, America/Chicago)`,
    );
  }
  const cron = vars.REBAR_SCHEDULE_CRON || '0 2 * * *';
  if (!isValidCron(cron, timezone)) {
    throw new ConfigError(
      `Invalid Rebar configuration:\n  - REBAR_SCHEDULE_CRON: "${cron}" is not a cron expression (five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *")`,
    );
  }
  return {
    projectRoot,
    stateDir,
    sourceUrl: vars.REBAR_SOURCE_URL || undefined,
    warehousePath: vars.REBAR_WAREHOUSE_PATH
      ? fromRoot(vars.REBAR_WAREHOUSE_PATH)
      : resolve(stateDir, 'warehouse.duckdb'),
    publishedPath: vars.REBAR_PUBLISHED_PATH
      ? fromRoot(vars.REBAR_PUBLISHED_PATH)
      : resolve(stateDir, 'analytics.duckdb'),
    tablesConfigPath: fromRoot(vars.REBAR_TABLES_CONFIG || 'rebar.yml'),
    pgBinDir: vars.REBAR_PG_BIN_DIR || '/usr/lib/postgresql/15/bin',
    dbtBin: fromRoot(vars.REBAR_DBT_BIN || '.venv/bin/dbt'),
    dbtProjectDir: projectRoot,
    retentionPolicyPath: resolve(projectRoot, 'seeds', 'event_retention_policy.csv'),
    temporalBin: fromRoot(vars.REBAR_TEMPORAL_BIN || '.venv/bin/temporal'),
    temporalAddress: vars.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: vars.TEMPORAL_NAMESPACE || 'default',
    temporalConnection: temporalConnectionSettings(vars),
    taskQueue: vars.REBAR_TASK_QUEUE || 'rebar',
    extractParallelism: vars.REBAR_EXTRACT_PARALLELISM,
    chunkRows: vars.REBAR_CHUNK_ROWS,
    contentCheck: { budgetMs: vars.REBAR_CONTENT_CHECK_SECONDS * 1000, rangeRows: vars.REBAR_CONTENT_CHECK_ROWS },
    cdc: {
      slot: vars.REBAR_CDC_SLOT || 'rebar',
      publication: vars.REBAR_CDC_PUBLICATION || 'rebar',
      maxRetainedWalBytes: vars.REBAR_CDC_MAX_RETAINED_WAL_MB * 1024 * 1024,
    },
    duckdbMemoryLimit: vars.REBAR_DUCKDB_MEMORY_LIMIT || undefined,
    scheduleCron: cron,
    scheduleTimezone: timezone,
    scheduleCatchupWindow: vars.REBAR_SCHEDULE_CATCHUP_WINDOW || '12 hours',
    logLevel: vars.REBAR_LOG_LEVEL || 'info',
    alertWebhookUrl: vars.REBAR_ALERT_WEBHOOK_URL || undefined,
    target: vars.REBAR_TARGET || 'duckdb',
    snowflake: vars.REBAR_TARGET === 'snowflake' ? snowflakeSettings(vars, fromRoot) : undefined,
  };
}

/** The Snowflake settings, or every missing or conflicting variable at once (values never echoed). */
function snowflakeSettings(vars: z.infer<typeof envSchema>, fromRoot: (path: string) => string): SnowflakeSettings {
  const problems: string[] = [];
  const required = (
    name: 'SNOWFLAKE_ACCOUNT' | 'SNOWFLAKE_USER' | 'SNOWFLAKE_WAREHOUSE' | 'SNOWFLAKE_DATABASE',
    what: string,
  ): string => {
    const value = vars[name]?.trim();
    if (!value) problems.push(`  - ${name}: required when REBAR_TARGET=snowflake; set it to ${what}`);
    return value ?? '';
  };
  const account = required('SNOWFLAKE_ACCOUNT', 'the account identifier (e.g. myorg-myaccount)');
  const user = required('SNOWFLAKE_USER', 'the user the loader logs in as');
  const warehouse = required('SNOWFLAKE_WAREHOUSE', 'the virtual warehouse that runs the loads');
  const database = required('SNOWFLAKE_DATABASE', 'the database that holds the raw, marts and _rebar schemas');
  const password = vars.SNOWFLAKE_PASSWORD || undefined;
  const privateKeyPath = vars.SNOWFLAKE_PRIVATE_KEY_PATH ? fromRoot(vars.SNOWFLAKE_PRIVATE_KEY_PATH) : undefined;
  if (!password && !privateKeyPath) {
    problems.push(
      '  - SNOWFLAKE_PASSWORD / SNOWFLAKE_PRIVATE_KEY_PATH: one is required when REBAR_TARGET=snowflake; set SNOWFLAKE_PRIVATE_KEY_PATH to a key-pair file (recommended) or SNOWFLAKE_PASSWORD',
    );
  }
  if (password && privateKeyPath) {
    problems.push(
      '  - SNOWFLAKE_PASSWORD / SNOWFLAKE_PRIVATE_KEY_PATH: both are set; unset one of them (the loader authenticates one way)',
    );
  }
  if (vars.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE && !privateKeyPath) {
    problems.push(
      '  - SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: set without SNOWFLAKE_PRIVATE_KEY_PATH; set the key file too, or unset the passphrase',
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid Rebar configuration:\n${problems.join('\n')}`);
  return {
    account,
    user,
    password,
    privateKeyPath,
    privateKeyPassphrase: vars.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE || undefined,
    role: vars.SNOWFLAKE_ROLE || undefined,
    warehouse,
    database,
    readerRole: vars.SNOWFLAKE_READER_ROLE || undefined,
    accessUrl: vars.SNOWFLAKE_ACCESS_URL?.replace(/\/$/, '') || undefined,
    loadWarehouse: vars.SNOWFLAKE_LOAD_WAREHOUSE || warehouse,
    queryTag: `${vars.SNOWFLAKE_QUERY_TAG || 'rebar'}:load`,
    statementTimeoutSeconds: vars.SNOWFLAKE_STATEMENT_TIMEOUT_SECONDS,
    fileBytes: vars.SNOWFLAKE_FILE_MB * 1024 * 1024,
  };
}

function isValidCron(cron: string, timezone: string): boolean {
  try {
    CronExpressionParser.parse(cron, { tz: timezone });
    return cron.trim().split(/\s+/).length >= 5;
  } catch {
    return false;
  }
}

function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The environment handed to subprocesses (dbt, temporal), so they find PATH, HOME and friends. */
export function childProcessEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}
