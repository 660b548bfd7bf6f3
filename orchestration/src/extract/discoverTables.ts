import type pg from 'pg';
import type { TableConfig } from './tablesConfig.js';

/** Column names that, by convention, record each row's last change (first match wins). */
const CURSOR_CONVENTION = ['updated_at', 'modified_at', 'last_modified_at', 'changed_at'];
const SOFT_DELETE_CONVENTION = 'deleted_at';
const TEMPORAL_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone', 'date']);

interface CatalogRow {
  table_name: string;
  primary_key: string[] | null;
  columns: string[];
  types: string[];
}

/**
 * Every ordinary table of the schema, read from the catalog: primary keys as declared; cursor by
 * convention (updated_at, modified_at, ...). A table with a primary key and such a cursor merges
 * incrementally; anything else (no cursor, or no primary key) is copied in full each run.
 * Tables listed in `configured` keep their configuration; `exclude` names tables to leave alone.
 */
export async function discoverTables(client: pg.ClientBase, input: { configured: TableConfig[]; exclude: string[]; schema?: string }): Promise<TableConfig[]> {
  const result = await client.query<CatalogRow>(
    `select relation.relname as table_name,
            (select array_agg(attribute.attname::text order by key.position)
               from pg_index as index_row
               cross join lateral unnest(index_row.indkey) with ordinality as key(attnum, position)
               join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum = key.attnum
              where index_row.indrelid = relation.oid and index_row.indisprimary) as primary_key,
            array(select attribute.attname::text from pg_attribute as attribute
                   where attribute.attrelid = relation.oid and attribute.attnum > 0 and not attribute.attisdropped order by attribute.attnum) as columns,
            array(select format_type(attribute.atttypid, attribute.atttypmod) from pg_attribute as attribute
                   where attribute.attrelid = relation.oid and attribute.attnum > 0 and not attribute.attisdropped order by attribute.attnum) as types
       from pg_class as relation
       join pg_namespace as namespace on namespace.oid = relation.relnamespace
      where namespace.nspname = $1 and relation.relkind in ('r', 'p') and not relation.relispartition
      order by relation.relname`,
    [input.schema ?? 'public'],
  );
  const configured = new Map(input.configured.map((table) => [table.name, table]));
  const tables: TableConfig[] = [];
  for (const row of result.rows) {
    if (input.exclude.includes(row.table_name)) continue;
    const known = configured.get(row.table_name);
    if (known) {
      tables.push(known);
      continue;
    }
    const typeOf = (name: string) => row.types[row.columns.indexOf(name)];
    const cursor = CURSOR_CONVENTION.find((name) => TEMPORAL_TYPES.has(typeOf(name) ?? ''));
    const softDelete = row.columns.includes(SOFT_DELETE_CONVENTION) ? SOFT_DELETE_CONVENTION : undefined;
    const primaryKey = row.primary_key ?? [];
    const base = { name: row.table_name, primaryKey, softDelete, hardDeleteCheckHours: undefined };
    tables.push(cursor && primaryKey.length > 0 ? { ...base, mode: 'merge', cursor, lookback: undefined } : { ...base, mode: 'full_refresh' });
  }
  // Configured tables the catalog did not list (e.g. views) still run, and fail by name if missing.
  for (const table of input.configured) if (!tables.some((candidate) => candidate.name === table.name) && !input.exclude.includes(table.name)) tables.push(table);
  return tables;
}
