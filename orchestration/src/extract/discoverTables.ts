import type pg from 'pg';
import {
  readSourceCatalog,
  SourceSchemaError,
  type CatalogColumn,
  type CatalogRelation,
  type RelationKind,
} from './sourceCatalog.js';
import { relationSelected } from './tablePatterns.js';
import {
  DEFAULT_SOURCE_SCHEMA,
  rebarTableName,
  sourceRelationOf,
  type DiscoverSettings,
  type TableConfig,
} from '../kernel/tablesConfig.js';

/** One relation discovery proposes (or kept from the file), and why each choice was made. */
export interface DiscoveredTable {
  table: TableConfig;
  /** Unset for a table listed in the file that the catalog did not show (it still runs, and fails by name if missing). */
  relation: CatalogRelation | undefined;
  relationKind: RelationKind | 'listed';
  /** One sentence per choice (key, cursor, mode, soft delete, hard deletes), for people. */
  reasons: string[];
}

const TEMPORAL_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date']);
/** A column name that suggests the row's last change, for a cursor proposed beyond the configured names. */
const UPDATE_TIME_NAME = /(^|_)(update|updated|modified|modify|changed|change|touched|edited)(_|$)/i;

/** The tables `--all` extracts: `discoverSourceTables` without the explanations. */
export async function discoverTables(
  client: pg.ClientBase,
  input: { configured: TableConfig[]; discover: DiscoverSettings },
): Promise<TableConfig[]> {
  return (await discoverSourceTables(client, input)).map((discovered) => discovered.table);
}

/**
 * Every table, partitioned table (never its partitions), view and materialized view of the
 * discover schemas that the include/exclude patterns select, with a TableConfig decided from the
 * catalog and the reasons for it. Tables listed in the file (`configured`, by Rebar name) keep
 * their settings. The rules are described in docs/init.md.
 */
export async function discoverSourceTables(
  client: pg.ClientBase,
  input: { configured: TableConfig[]; discover: DiscoverSettings },
): Promise<DiscoveredTable[]> {
  const catalog = await readSourceCatalog(client, input.discover.schemas);
  const configured = new Map(input.configured.map((table) => [table.name, table]));
  const discovered: DiscoveredTable[] = [];
  const seen = new Map<string, string>();
  for (const relation of catalog) {
    if (!relationSelected(relation, input.discover)) continue;
    const name = rebarTableName(relation);
    const qualified = `${relation.schema}.${relation.table}`;
    const earlier = seen.get(name);
    if (earlier)
      throw new SourceSchemaError(
        `${earlier} and ${qualified} would both land as raw.${name}: leave one out with an exclude pattern (discover.exclude, or --exclude for rebar init)`,
      );
    seen.set(name, qualified);
    const known = configured.get(name);
    if (known)
      discovered.push({
        table: known,
        relation,
        relationKind: relation.kind,
        reasons: ['listed in the tables config: its settings are kept'],
      });
    else discovered.push(decide(relation, name, input.discover));
  }
  for (const table of input.configured) {
    if (discovered.some((candidate) => candidate.table.name === table.name)) continue;
    if (!relationSelected(sourceRelationOf(table), { include: [], exclude: input.discover.exclude })) continue;
    discovered.push({
      table,
      relation: undefined,
      relationKind: 'listed',
      reasons: ['listed in the tables config but not found among the discovered relations: it runs as configured'],
    });
  }
  return discovered;
}

function decide(relation: CatalogRelation, name: string, settings: DiscoverSettings): DiscoveredTable {
  const source =
    relation.schema === DEFAULT_SOURCE_SCHEMA ? {} : { source: { schema: relation.schema, table: relation.table } };
  const softDelete = softDeleteColumn(relation.columns, settings.softDeleteColumns);
  const reasons: string[] = [];
  if (relation.kind === 'view' || relation.kind === 'materialized view') {
    reasons.push(
      `${relation.kind}: copied whole each run (full_refresh); a view has no key or cursor Rebar can rely on`,
    );
    if (softDelete) reasons.push(`soft delete: ${softDelete.name}`);
    return {
      table: {
        name,
        ...source,
        primaryKey: [],
        softDelete: softDelete?.name,
        hardDeleteCheckHours: undefined,
        mode: 'full_refresh',
      },
      relation,
      relationKind: relation.kind,
      reasons,
    };
  }
  if (relation.kind === 'partitioned table')
    reasons.push(
      `partitioned table: read through the parent, so its ${relation.partitionCount} partition(s) are not listed separately (their rows would load twice)`,
    );
  const key = primaryKeyOf(relation);
  reasons.push(key.reason);
  const cursor = cursorOf(relation, settings.cursorColumns);
  reasons.push(...cursor.reasons);
  if (softDelete) reasons.push(`soft delete: ${softDelete.name} (${softDelete.pgType}) marks deleted rows`);
  const base = { name, ...source, primaryKey: key.columns, softDelete: softDelete?.name };
  if (!cursor.column)
    return {
      table: { ...base, hardDeleteCheckHours: undefined, mode: 'full_refresh' },
      relation,
      relationKind: relation.kind,
      reasons,
    };
  if (key.columns.length === 0) {
    reasons.push(
      `mode full_refresh: a cursor without a key cannot merge changed rows; copied whole each run (add a primary key, or set mode: append if ${relation.table} is an append-only log)`,
    );
    return {
      table: { ...base, hardDeleteCheckHours: undefined, mode: 'full_refresh' },
      relation,
      relationKind: relation.kind,
      reasons,
    };
  }
  reasons.push(
    `mode merge: changed rows merged by key (rows are assumed mutable; set mode: append only for an append-only log)`,
  );
  // Without a soft-delete column a deleted row leaves no trace the cursor can see: only a key pass finds it.
  const hardDeleteCheckHours = softDelete ? undefined : 0;
  if (!softDelete)
    reasons.push(
      'no soft-delete column: deleted rows are found by a key pass every run (hard_delete_check_hours: 0; raise it for very large tables)',
    );
  return {
    table: { ...base, hardDeleteCheckHours, mode: 'merge', cursor: cursor.column, lookback: undefined },
    relation,
    relationKind: relation.kind,
    reasons,
  };
}

function primaryKeyOf(relation: CatalogRelation): { columns: string[]; reason: string } {
  if (relation.primaryKey.length > 0)
    return { columns: relation.primaryKey, reason: `key: primary key (${relation.primaryKey.join(', ')})` };
  const unique = relation.uniqueNotNullKeys[0];
  if (unique)
    return {
      columns: unique,
      reason: `key: no primary key; using the unique index on NOT NULL column(s) (${unique.join(', ')})`,
    };
  return {
    columns: [],
    reason: 'key: none (no primary key, no unique index on NOT NULL columns): copied whole each run (full_refresh)',
  };
}

function cursorOf(
  relation: CatalogRelation,
  cursorColumns: string[],
): { column: string | undefined; reasons: string[] } {
  const temporal = relation.columns.filter((column) => TEMPORAL_TYPES.has(column.pgType));
  const indexed = (column: CatalogColumn) => relation.indexLeadingColumns.includes(column.name);
  const named = cursorColumns
    .map((name) => temporal.find((column) => column.name === name))
    .filter((column): column is CatalogColumn => column !== undefined);
  const chosen = named.find(indexed) ?? named[0];
  const reasons: string[] = [];
  const wrongType = relation.columns.filter(
    (column) => cursorColumns.includes(column.name) && !TEMPORAL_TYPES.has(column.pgType),
  );
  for (const column of wrongType)
    reasons.push(
      `${column.name} is named like a cursor but is ${column.pgType}, not a timestamp or date: not used as one`,
    );
  if (chosen) {
    const others = named.filter((column) => column !== chosen).map((column) => column.name);
    const alternatives = others.length > 0 ? `; also named like a cursor: ${others.join(', ')}` : '';
    reasons.push(
      indexed(chosen)
        ? `cursor: ${chosen.name} (${chosen.pgType}), a cursor name, indexed${alternatives}`
        : `cursor: ${chosen.name} (${chosen.pgType}), a cursor name, NOT indexed: each run scans the whole table to find changed rows (create an index on ${chosen.name})${alternatives}`,
    );
  } else {
    const guess = temporal.find((column) => indexed(column) && UPDATE_TIME_NAME.test(column.name));
    if (guess)
      reasons.push(
        `cursor: ${guess.name} (${guess.pgType}), proposed: not a configured cursor name, but indexed and named like an update time; check that every update sets it`,
      );
    else reasons.push('no cursor: copied whole each run (full_refresh)');
    if (guess) return { column: guess.name, reasons };
  }
  const generated = relation.columns.find((column) => column.generatedKey && relation.primaryKey.includes(column.name));
  if (!chosen && generated)
    reasons.push(
      `the generated key ${generated.name} is not used as a cursor: it misses updates to existing rows (for an append-only log set mode: append, cursor: ${generated.name})`,
    );
  return { column: chosen?.name, reasons };
}

function softDeleteColumn(columns: CatalogColumn[], names: string[]): CatalogColumn | undefined {
  for (const name of names) {
    const column = columns.find((candidate) => candidate.name === name && TEMPORAL_TYPES.has(candidate.pgType));
    if (column) return column;
  }
  return undefined;
}
