import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PUBLISH_SETTINGS, METADATA_SCHEMA_NAME, type PublishSettings } from './publishSettings.js';
import { UserError } from '../errors/userError.js';

interface TableConfigBase {
  /**
   * The table's name in Rebar: its raw table (raw.<name>), its watermark, --tables and reset. The
   * source table's own name when it lives in the public schema, <schema>__<table> otherwise.
   */
  name: string;
  /** Where the table lives in the source; unset means public.<name>. Read it with sourceRelationOf. */
  source?: SourceRelation;
  /** Source columns never extracted (e.g. personal data): they never reach raw. */
  excludeColumns?: string[];
  /** Columns landed as another type than their own (e.g. numeric holding NaN as double). */
  columnTypes?: Record<string, ColumnTypeOverride>;
  /** Empty only for full-refresh tables without a primary key. */
  primaryKey: string[];
  softDelete: string | undefined;
  /**
   * For tables whose rows can be deleted outright (no soft-delete column): every this many hours,
   * a key pass compares the source's primary keys with raw and tombstones rows gone from the
   * source (_rebar_deleted_at). 0: every run. Unset: never.
   */
  hardDeleteCheckHours: number | undefined;
}

/** Read incrementally by a cursor. merge: mutable rows, merged by primary key (latest wins). append: an append-only log, loaded by its sequence. */
export interface IncrementalTableConfig extends TableConfigBase {
  mode: 'merge' | 'append';
  cursor: string;
  /**
   * How far behind the watermark each run re-reads, to catch rows from transactions that committed
   * after the previous run read past their cursor value: a Postgres interval ("15 minutes") for
   * timestamp and date cursors, a count of sequence values ("1000") for integer cursors, "0" for
   * none. Unset: the default for the cursor's type (see extract/lookback.ts).
   */
  lookback: string | undefined;
  /** Rows older than their category's retention are pruned from raw (see retention/); unset: kept forever. */
  retention?: RetentionConfig;
}

/**
 * Which columns decide how long a raw row is kept: the category column picks the period from the
 * retention policy seed (seeds/event_retention_policy.csv), the timestamp column is the row's age.
 */
export interface RetentionConfig {
  categoryColumn: string;
  timestampColumn: string;
}

/** Copied whole on every run and swapped in atomically: for tables with no column that tracks changes. */
export interface FullRefreshTableConfig extends TableConfigBase {
  mode: 'full_refresh';
}

/**
 * Read from the source's write-ahead log (logical replication, pgoutput) instead of by a cursor: for
 * tables whose rows change without a column that every writer bumps. Inserts, updates and deletes
 * reach raw by primary key; see cdc/ and docs/cdc.md.
 */
export interface CdcTableConfig extends TableConfigBase {
  mode: 'cdc';
}

/** How one source table is extracted. */
export type TableConfig = IncrementalTableConfig | FullRefreshTableConfig | CdcTableConfig;

/** Read by a cursor (merge or append): the tables with a watermark of (cursor, primary key). */
export function isCursorTable(table: TableConfig): table is IncrementalTableConfig {
  return table.mode === 'merge' || table.mode === 'append';
}

/** A source table (or view, or materialized view) by schema and name. */
export interface SourceRelation {
  schema: string;
  table: string;
}

/** Types a column may be landed as instead of its own: the value cast in Postgres before it leaves. */
export const COLUMN_TYPE_OVERRIDES = ['double', 'varchar'] as const;
export type ColumnTypeOverride = (typeof COLUMN_TYPE_OVERRIDES)[number];

export const DEFAULT_SOURCE_SCHEMA = 'public';

/** The source table a configured table reads. */
export function sourceRelationOf(table: TableConfig): SourceRelation {
  return table.source ?? { schema: DEFAULT_SOURCE_SCHEMA, table: table.name };
}

/** Rebar's name for a source table: its own in the public schema, <schema>__<table> in any other. */
export function rebarTableName(relation: SourceRelation): string {
  return relation.schema === DEFAULT_SOURCE_SCHEMA ? relation.table : `${relation.schema}__${relation.table}`;
}

/**
 * How `--all` and `rebar init` find tables (the file's `discover:` section): which schemas, which
 * tables (glob patterns on table or schema.table), and which column names count as a cursor and a
 * soft-delete marker, in order of preference.
 */
export interface DiscoverSettings {
  schemas: string[];
  include: string[];
  exclude: string[];
  cursorColumns: string[];
  softDeleteColumns: string[];
}

export const DEFAULT_CURSOR_COLUMNS = [
  'updated_at',
  'modified_at',
  'last_modified_at',
  'changed_at',
  'last_update',
  'last_updated',
  'last_modified',
  'updated_on',
  'modified_on',
  'last_updated_at',
];
export const DEFAULT_SOFT_DELETE_COLUMNS = ['deleted_at', 'deleted_on', 'removed_at'];

/** Everything a tables config file (rebar.yml) says. */
export interface RebarFile {
  path: string;
  tables: TableConfig[];
  discover: DiscoverSettings;
  /** The dbt project that models this source (absolute); undefined: none, runs are extract-only. */
  dbtProjectDir: string | undefined;
  /** The file describes the embedded demo source (`demo: true`): its tables and models apply to a demo source only. */
  describesDemo: boolean;
  /** What the published warehouse holds (the `publish:` section). */
  publish: PublishSettings;
}

const identifier = z.string().min(1).max(63, 'Postgres identifiers are at most 63 bytes');

const tableSchema = z
  .object({
    name: identifier,
    schema: identifier.optional(),
    exclude_columns: z.array(identifier).optional(),
    column_types: z
      .record(
        identifier,
        z.enum(COLUMN_TYPE_OVERRIDES, {
          message: `a column type override must be one of ${COLUMN_TYPE_OVERRIDES.join(', ')}`,
        }),
      )
      .optional(),
    primary_key: z.array(identifier).default([]),
    cursor: identifier.optional(),
    soft_delete: identifier.optional(),
    mode: z.enum(['merge', 'append', 'full_refresh', 'cdc']).default('merge'),
    lookback: z
      .union([z.number().int().min(0), z.string()])
      .transform(String)
      .refine((value) => /^(\d+|\d+ (microsecond|millisecond|second|minute|hour|day)s?)$/.test(value), {
        message:
          'lookback must be a whole number of sequence values (e.g. 1000) or an interval like "15 minutes", "2 hours"',
      })
      .optional(),
    hard_delete_check_hours: z.number().min(0, 'hard_delete_check_hours must be 0 (every run) or more').optional(),
    retention: z.object({ category_column: identifier, timestamp_column: identifier }).strict().optional(),
  })
  .strict()
  .superRefine((table, ctx) => {
    if (table.mode === 'full_refresh') {
      // A full refresh copies the whole source table again every run, which would bring pruned rows back.
      if (table.retention)
        ctx.addIssue({
          code: 'custom',
          path: ['retention'],
          message:
            'retention needs mode merge or append: a full_refresh table is copied whole every run, so pruned rows would come back (remove retention or give the table a cursor)',
        });
      return;
    }
    if (table.mode === 'cdc') {
      if (table.primary_key.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['primary_key'],
          message: 'primary_key needs at least one column for mode cdc: changes reach raw by key',
        });
      // The log says what changed; a cursor, a lookback or a key pass would have nothing to add.
      for (const [key, why] of [
        ['cursor', 'the write-ahead log orders the changes'],
        ['lookback', 'no change can be missed behind a position in the log'],
        ['hard_delete_check_hours', 'deletes arrive from the log'],
        ['retention', 'pruned rows would come back with their next change'],
      ] as const)
        if (table[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `${key} does not apply to mode cdc (${why}): remove it`,
          });
      return;
    }
    if (table.mode === 'merge' && table.primary_key.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['primary_key'],
        message: 'primary_key needs at least one column for mode merge (or use mode: append or full_refresh)',
      });
    if (!table.cursor)
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: `cursor is required for mode ${table.mode} (or use mode: full_refresh)`,
      });
  });

const pattern = z.string().min(1);

const fileSchema = z
  .object({
    demo: z.boolean().default(false),
    // The dbt project that models this source, relative to this file; absent: extract-only runs.
    dbt: z
      .object({ project_dir: z.string().min(1) })
      .strict()
      .optional(),
    // May be empty: `rebar nightly --all` then discovers every table.
    tables: z.array(tableSchema).default([]),
    discover: z
      .object({
        schemas: z.array(identifier).min(1, 'list at least one schema').default([DEFAULT_SOURCE_SCHEMA]),
        include: z.array(pattern).default([]),
        exclude: z.array(pattern).default([]),
        cursor_columns: z.array(identifier).default(DEFAULT_CURSOR_COLUMNS),
        soft_delete_columns: z.array(identifier).default(DEFAULT_SOFT_DELETE_COLUMNS),
      })
      .strict()
      .optional(),
    publish: z
      .object({
        schemas: z
          .array(
            identifier.refine(
              (name) => name !== METADATA_SCHEMA_NAME,
              `${METADATA_SCHEMA_NAME} is Rebar's bookkeeping: publish its run history with run_history: true instead`,
            ),
          )
          .min(1, 'list at least one schema (e.g. [marts])'),
        run_history: z.boolean().default(true),
      })
      .partial({ schemas: true })
      .strict()
      .optional(),
  })
  .strict();

export class TablesConfigError extends UserError {}

export function parseTablesConfig(text: string, origin: string): TableConfig[] {
  return parseRebarFile(text, origin).tables;
}

/** Parses a tables config file; relative paths in it (dbt.project_dir) are resolved against origin's folder. */
export function parseRebarFile(text: string, origin: string): RebarFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new TablesConfigError(`${origin} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new TablesConfigError(`${origin} is not a valid Rebar tables config:\n${problems.join('\n')}`);
  }
  const seen = new Map<string, string>();
  const tables = parsed.data.tables.map((table): TableConfig => {
    const relation = { schema: table.schema ?? DEFAULT_SOURCE_SCHEMA, table: table.name };
    const name = rebarTableName(relation);
    const qualified = `${relation.schema}.${relation.table}`;
    const earlier = seen.get(name);
    if (earlier === qualified) throw new TablesConfigError(`${origin}: table "${qualified}" is listed twice`);
    if (earlier)
      throw new TablesConfigError(
        `${origin}: tables "${earlier}" and "${qualified}" would both land as raw.${name}; leave one out`,
      );
    seen.set(name, qualified);
    const base = {
      name,
      primaryKey: table.primary_key,
      softDelete: table.soft_delete,
      hardDeleteCheckHours: table.hard_delete_check_hours,
      ...(table.schema ? { source: relation } : {}),
      ...(table.exclude_columns ? { excludeColumns: table.exclude_columns } : {}),
      ...(table.column_types ? { columnTypes: table.column_types } : {}),
    };
    if (table.mode === 'full_refresh') return { ...base, mode: 'full_refresh' };
    if (table.mode === 'cdc') return { ...base, mode: 'cdc' };
    const cursor = table.cursor as string;
    // An append-only log without a declared key is keyed by its sequence.
    const primaryKey = table.primary_key.length > 0 ? table.primary_key : [cursor];
    const incremental: IncrementalTableConfig = {
      ...base,
      primaryKey,
      mode: table.mode,
      cursor,
      lookback: table.lookback,
    };
    if (table.retention)
      incremental.retention = {
        categoryColumn: table.retention.category_column,
        timestampColumn: table.retention.timestamp_column,
      };
    return incremental;
  });
  const discover = parsed.data.discover;
  return {
    path: origin,
    tables,
    discover: {
      schemas: discover?.schemas ?? [DEFAULT_SOURCE_SCHEMA],
      include: discover?.include ?? [],
      exclude: discover?.exclude ?? [],
      cursorColumns: discover?.cursor_columns ?? DEFAULT_CURSOR_COLUMNS,
      softDeleteColumns: discover?.soft_delete_columns ?? DEFAULT_SOFT_DELETE_COLUMNS,
    },
    dbtProjectDir: parsed.data.dbt ? resolve(dirname(resolve(origin)), parsed.data.dbt.project_dir) : undefined,
    describesDemo: parsed.data.demo,
    publish: publishSettingsOf(parsed.data.publish),
  };
}

function publishSettingsOf(section: { schemas?: string[]; run_history: boolean } | undefined): PublishSettings {
  if (!section) return DEFAULT_PUBLISH_SETTINGS;
  const schemas = section.schemas ? [...new Set(section.schemas)] : DEFAULT_PUBLISH_SETTINGS.schemas;
  return { schemas, runHistory: section.run_history, schemasConfigured: section.schemas !== undefined };
}

export function loadTablesConfig(path: string): TableConfig[] {
  return loadRebarFile(path).tables;
}

export function loadRebarFile(path: string): RebarFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TablesConfigError(
      `Cannot read the tables config ${path}: create it (rebar init writes one for your database; see rebar.yml) or set REBAR_TABLES_CONFIG`,
    );
  }
  return parseRebarFile(text, path);
}
