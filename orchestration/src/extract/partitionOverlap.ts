import type pg from 'pg';
import { describeTable } from './sourceRelation.js';
import { sourceRelationOf, type TableConfig } from '../kernel/tablesConfig.js';

export interface PartitionOverlap {
  partition: TableConfig;
  /** The partitioned table (or inheritance parent) above it, at any level. */
  parent: TableConfig;
}

/**
 * Pairs of tables where one is a partition (or an inheritance child) of the other, at any depth
 * and in any schemas. Reading a parent already returns every partition's rows, so a run holding
 * both would land those rows twice, in two raw tables. Tables the source does not have are
 * skipped here: reading them fails later, by name.
 */
export async function findPartitionOverlaps(
  client: pg.ClientBase,
  tables: readonly TableConfig[],
): Promise<PartitionOverlap[]> {
  if (tables.length < 2) return [];
  const relations = tables.map(sourceRelationOf);
  const result = await client.query<{ partition_index: string; parent_index: string }>(
    `with recursive listed as (
       -- Joined by name rather than to_regclass, which needs USAGE on the schema: a schema the role
       -- cannot read fails where the table is read, with the privilege named.
       select listed_relation.position - 1 as table_index, relation.oid as relation_oid
         from unnest($1::text[], $2::text[]) with ordinality as listed_relation (schema_name, table_name, position)
         join pg_namespace as namespace on namespace.nspname = listed_relation.schema_name
         join pg_class as relation on relation.relnamespace = namespace.oid and relation.relname = listed_relation.table_name
     ),
     ancestry as (
       select inherits.inhrelid as child_oid, inherits.inhparent as parent_oid from pg_inherits as inherits
       union
       select ancestry.child_oid, inherits.inhparent from ancestry join pg_inherits as inherits on inherits.inhrelid = ancestry.parent_oid
     )
     select child.table_index as partition_index, parent.table_index as parent_index
       from ancestry
       join listed as child on child.relation_oid = ancestry.child_oid
       join listed as parent on parent.relation_oid = ancestry.parent_oid
      order by child.table_index, parent.table_index`,
    [relations.map((relation) => relation.schema), relations.map((relation) => relation.table)],
  );
  return result.rows.map((row) => ({
    partition: tables[Number(row.partition_index)]!,
    parent: tables[Number(row.parent_index)]!,
  }));
}

/** One message naming every overlap and the two ways out. */
export function partitionOverlapMessage(overlaps: readonly PartitionOverlap[]): string {
  const pairs = overlaps.map(
    ({ partition, parent }) => `${describeTable(partition)} is a partition of ${describeTable(parent)}`,
  );
  return (
    `${pairs.join('; ')}: reading the parent already returns the partition's rows, so this run would load them twice. ` +
    'List the parent only (recommended: every row once, whichever partition holds it) or the partitions only: remove the other from the tables config (or add it to discover.exclude), or leave it out with --tables.'
  );
}
