import { quoteIdent } from '../kernel/sqlIdentifiers.js';
import { DEFAULT_SOURCE_SCHEMA, sourceRelationOf, type TableConfig } from '../kernel/tablesConfig.js';

/** The relation a table is read from, quoted for Postgres: "schema"."table" (any schema, any relation kind). */
export function quotedSourceRelation(table: TableConfig): string {
  const relation = sourceRelationOf(table);
  return `${quoteIdent(relation.schema)}.${quoteIdent(relation.table)}`;
}

/**
 * How messages name a table: Rebar's name (the one --tables, rebar reset and raw use), followed by
 * the source relation when that is not simply public.<name>, so the user finds both.
 */
export function describeTable(table: TableConfig): string {
  const relation = sourceRelationOf(table);
  if (relation.schema === DEFAULT_SOURCE_SCHEMA && relation.table === table.name) return table.name;
  return `${table.name} (source ${relation.schema}.${relation.table})`;
}
