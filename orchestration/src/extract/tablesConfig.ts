import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

interface TableConfigBase {
  name: string;
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

/** How one source table is extracted. */
export type TableConfig = IncrementalTableConfig | FullRefreshTableConfig;

const identifier = z
  .string()
  .min(1)
  .max(63, 'Postgres identifiers are at most 63 bytes');

const tableSchema = z
  .object({
    name: identifier,
    primary_key: z.array(identifier).default([]),
    cursor: identifier.optional(),
    soft_delete: identifier.optional(),
    mode: z.enum(['merge', 'append', 'full_refresh']).default('merge'),
    lookback: z
      .union([z.number().int().min(0), z.string()])
      .transform(String)
      .refine((value) => /^(\d+|\d+ (microsecond|millisecond|second|minute|hour|day)s?)$/.test(value), {
        message: 'lookback must be a whole number of sequence values (e.g. 1000) or an interval like "15 minutes", "2 hours"',
      })
      .optional(),
    hard_delete_check_hours: z.number().min(0, 'hard_delete_check_hours must be 0 (every run) or more').optional(),
    retention: z.object({ category_column: identifier, timestamp_column: identifier }).strict().optional(),
  })
  .strict()
  .superRefine((table, ctx) => {
    if (table.mode === 'full_refresh') {
      // A full refresh copies the whole source table again every run, which would bring pruned rows back.
      if (table.retention) ctx.addIssue({ code: 'custom', path: ['retention'], message: 'retention needs mode merge or append: a full_refresh table is copied whole every run, so pruned rows would come back (remove retention or give the table a cursor)' });
      return;
    }
    if (table.mode === 'merge' && table.primary_key.length === 0) ctx.addIssue({ code: 'custom', path: ['primary_key'], message: 'primary_key needs at least one column for mode merge (or use mode: append or full_refresh)' });
    if (!table.cursor) ctx.addIssue({ code: 'custom', path: ['cursor'], message: `cursor is required for mode ${table.mode} (or use mode: full_refresh)` });
  });

const fileSchema = z
  .object({
    tables: z.array(tableSchema).min(1, 'list at least one table'),
    // `rebar nightly --all` extracts every table of the source except these.
    discover: z.object({ exclude: z.array(identifier).default([]) }).strict().optional(),
  })
  .strict();

export class TablesConfigError extends Error {
  override name = 'TablesConfigError';
}

export function parseTablesConfig(text: string, origin: string): TableConfig[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new TablesConfigError(`${origin} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new TablesConfigError(`${origin} is not a valid Rebar tables config:\n${problems.join('\n')}`);
  }
  const seen = new Set<string>();
  return parsed.data.tables.map((table) => {
    if (seen.has(table.name)) throw new TablesConfigError(`${origin}: table "${table.name}" is listed twice`);
    seen.add(table.name);
    const base = { name: table.name, primaryKey: table.primary_key, softDelete: table.soft_delete, hardDeleteCheckHours: table.hard_delete_check_hours };
    if (table.mode === 'full_refresh') return { ...base, mode: 'full_refresh' };
    const cursor = table.cursor as string;
    // An append-only log without a declared key is keyed by its sequence.
    const primaryKey = table.primary_key.length > 0 ? table.primary_key : [cursor];
    const incremental: IncrementalTableConfig = { ...base, primaryKey, mode: table.mode, cursor, lookback: table.lookback };
    if (table.retention) incremental.retention = { categoryColumn: table.retention.category_column, timestampColumn: table.retention.timestamp_column };
    return incremental;
  });
}

export function loadTablesConfig(path: string): TableConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new TablesConfigError(`Cannot read the tables config ${path}: create it (see rebar.yml) or set REBAR_TABLES_CONFIG`);
  }
  return parseTablesConfig(text, path);
}

/** Tables `--all` leaves alone (the config file's discover.exclude). */
export function loadDiscoverExclude(path: string): string[] {
  const document = fileSchema.safeParse(parse(readFileSync(path, 'utf8')));
  return document.success ? (document.data.discover?.exclude ?? []) : [];
}
