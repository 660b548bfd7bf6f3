import type pg from 'pg';

/** What the Postgres catalog says about one relation that discovery may propose. */
export interface CatalogRelation {
  schema: string;
  table: string;
  kind: RelationKind;
  comment: string | undefined;
  columns: CatalogColumn[];
  primaryKey: string[];
  /** Unique indexes (not the primary key) whose columns are all NOT NULL, fewest columns first. */
  uniqueNotNullKeys: string[][];
  /** Columns that lead an index, so a range on them is an index scan. */
  indexLeadingColumns: string[];
  /** Partitions of a partitioned table (read through their parent, never listed themselves). */
  partitionCount: number;
}

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view';

export interface CatalogColumn {
  name: string;
  /** format_type() of the column's type; a domain's base type. */
  pgType: string;
  notNull: boolean;
  /** An identity column or one defaulting to a sequence (serial). */
  generatedKey: boolean;
  comment: string | undefined;
}

const KINDS: Record<string, RelationKind> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view' };

interface CatalogRow {
  schema: string;
  table: string;
  relkind: string;
  comment: string | null;
  columns: { name: string; pg_type: string; not_null: boolean; generated_key: boolean; comment: string | null }[];
  primary_key: string[] | null;
  unique_keys: string[][] | null;
  index_leading: string[] | null;
  partition_count: number;
}

/** The source's schemas cannot be discovered as asked (a schema missing, two relations with one Rebar name): a fix in the settings, not a retry. */
export class SourceSchemaError extends Error {
  override name = 'SourceSchemaError';
}

/**
 * Tables, partitioned parents, views and materialized views of the given schemas (never the
 * partitions themselves: their rows are read through the parent), ordered by schema as given, then name.
 */
export async function readSourceCatalog(client: pg.ClientBase, schemas: string[]): Promise<CatalogRelation[]> {
  const present = await client.query<{ nspname: string }>(
    'select nspname from pg_namespace where nspname = any($1::text[])',
    [schemas],
  );
  const missing = schemas.filter((schema) => !present.rows.some((row) => row.nspname === schema));
  if (missing.length > 0) {
    const all = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname",
    );
    throw new SourceSchemaError(
      `Source schema(s) ${missing.join(', ')} not found (or not visible to this user); the database has ${all.rows.map((row) => row.nspname).join(', ')}. Fix discover.schemas (or --schemas).`,
    );
  }
  const result = await client.query<CatalogRow>(
    `select namespace.nspname as schema, relation.relname as table, relation.relkind::text as relkind,
            obj_description(relation.oid, 'pg_class') as comment,
            (select json_agg(json_build_object(
                      'name', attribute.attname,
                      -- a domain is extracted as its base type
                      'pg_type', case when column_type.typtype = 'd' then format_type(column_type.typbasetype, column_type.typtypmod)
                                      else format_type(attribute.atttypid, attribute.atttypmod) end,
                      'not_null', attribute.attnotnull,
                      'generated_key', attribute.attidentity <> '' or coalesce(pg_get_expr(column_default.adbin, column_default.adrelid) like 'nextval(%', false),
                      'comment', col_description(relation.oid, attribute.attnum))
                    order by attribute.attnum)
               from pg_attribute as attribute
               join pg_type as column_type on column_type.oid = attribute.atttypid
               left join pg_attrdef as column_default on column_default.adrelid = relation.oid and column_default.adnum = attribute.attnum
              where attribute.attrelid = relation.oid and attribute.attnum > 0 and not attribute.attisdropped) as columns,
            (select array_agg(attribute.attname::text order by key.position)
               from pg_index as index_row
               cross join lateral unnest(index_row.indkey) with ordinality as key(attnum, position)
               join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum = key.attnum
              where index_row.indrelid = relation.oid and index_row.indisprimary) as primary_key,
            (select json_agg(index_keys.columns order by cardinality(index_keys.columns), index_keys.name)
               from (select index_class.relname as name,
                            array(select attribute.attname::text
                                    from unnest(index_row.indkey) with ordinality as key(attnum, position)
                                    join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum = key.attnum
                                   order by key.position) as columns
                       from pg_index as index_row
                       join pg_class as index_class on index_class.oid = index_row.indexrelid
                      where index_row.indrelid = relation.oid and index_row.indisunique and not index_row.indisprimary
                        and index_row.indpred is null and index_row.indexprs is null
                        and not exists (select from unnest(index_row.indkey) as key(attnum)
                                          join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum = key.attnum
                                         where not attribute.attnotnull)) as index_keys) as unique_keys,
            (select array_agg(distinct attribute.attname::text)
               from pg_index as index_row
               join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum = index_row.indkey[0]
              where index_row.indrelid = relation.oid) as index_leading,
            (select count(*)::int from pg_inherits where pg_inherits.inhparent = relation.oid) as partition_count
       from pg_class as relation
       join pg_namespace as namespace on namespace.oid = relation.relnamespace
      where namespace.nspname = any($1::text[]) and relation.relkind in ('r', 'p', 'v', 'm') and not relation.relispartition
      order by array_position($1::text[], namespace.nspname::text), relation.relname`,
    [schemas],
  );
  return result.rows.map((row) => ({
    schema: row.schema,
    table: row.table,
    kind: KINDS[row.relkind] ?? 'table',
    comment: row.comment ?? undefined,
    columns: (row.columns ?? []).map((column) => ({
      name: column.name,
      pgType: column.pg_type,
      notNull: column.not_null,
      generatedKey: column.generated_key,
      comment: column.comment ?? undefined,
    })),
    primaryKey: row.primary_key ?? [],
    uniqueNotNullKeys: row.unique_keys ?? [],
    indexLeadingColumns: row.index_leading ?? [],
    partitionCount: row.partition_count,
  }));
}
