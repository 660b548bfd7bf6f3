import type pg from 'pg';
import { quoteIdent } from '../kernel/sqlIdentifiers.js';
import { sourceRelationOf, type CdcTableConfig } from '../kernel/tablesConfig.js';
import { describeTable, quotedSourceRelation } from '../extract/sourceRelation.js';
import { CdcSetupError } from './cdcErrors.js';
import { privilegeError } from './replicationSlot.js';

/**
 * Makes the publication name exactly the cdc tables (created on first use, tables added and
 * dropped as rebar.yml changes): the slot decodes changes of these tables only. Returns the tables
 * it added, whose changes the slot carries only from now on.
 */
export async function ensurePublication(
  client: pg.ClientBase,
  publication: string,
  tables: readonly CdcTableConfig[],
): Promise<CdcTableConfig[]> {
  const grant = `CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tables.map(quotedSourceRelation).join(', ')} (as the tables' owner), or make Rebar's role their owner`;
  const run = (sql: string) =>
    client.query(sql).catch((error: unknown) => {
      throw privilegeError(error, `manage the publication ${publication}`, grant);
    });
  const { rows: existing } = await client.query<{ pubviaroot: boolean }>(
    'select pubviaroot from pg_publication where pubname = $1',
    [publication],
  );
  if (existing.length === 0) {
    // Changes of a partitioned table's partitions then arrive under the table's own name.
    await run(
      `create publication ${quoteIdent(publication)} for table ${tables.map(quotedSourceRelation).join(', ')} with (publish_via_partition_root = true)`,
    );
    return [...tables];
  }
  const partitioned = await partitionedTables(client, tables);
  if (partitioned.length > 0 && !existing[0]!.pubviaroot)
    throw new CdcSetupError(
      `Publication ${publication} sends the changes of ${partitioned.map(describeTable).join(', ')} under each partition's name, which Rebar would not match to the table: have its owner run ALTER PUBLICATION ${quoteIdent(publication)} SET (publish_via_partition_root = true).`,
    );
  const { rows: members } = await client.query<{ schemaname: string; tablename: string }>(
    'select schemaname, tablename from pg_publication_tables where pubname = $1',
    [publication],
  );
  const key = (schema: string, table: string) => `${schema}.${table}`;
  const published = new Set(members.map((member) => key(member.schemaname, member.tablename)));
  const wanted = new Set(tables.map((table) => key(sourceRelationOf(table).schema, sourceRelationOf(table).table)));
  const added = tables.filter(
    (table) => !published.has(key(sourceRelationOf(table).schema, sourceRelationOf(table).table)),
  );
  for (const table of added)
    await run(`alter publication ${quoteIdent(publication)} add table ${quotedSourceRelation(table)}`);
  for (const member of members)
    if (!wanted.has(key(member.schemaname, member.tablename)))
      await run(
        `alter publication ${quoteIdent(publication)} drop table ${quoteIdent(member.schemaname)}.${quoteIdent(member.tablename)}`,
      );
  return added;
}

async function partitionedTables(client: pg.ClientBase, tables: readonly CdcTableConfig[]): Promise<CdcTableConfig[]> {
  const found: CdcTableConfig[] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ relkind: string }>('select relkind from pg_class where oid = $1::regclass', [
      quotedSourceRelation(table),
    ]);
    if (rows[0]?.relkind === 'p') found.push(table);
  }
  return found;
}

/**
 * A delete reaches the log with the row's replica identity only: it must hold the configured
 * primary key, or the delete could not be matched to a raw row.
 */
export async function checkReplicaIdentity(client: pg.ClientBase, table: CdcTableConfig): Promise<void> {
  const { rows } = await client.query<{ identity: string; kind: string; columns: string[] | null }>(
    `select c.relreplident as identity, c.relkind as kind,
            (select array_agg(a.attname::text order by a.attnum)
               from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
              where i.indrelid = c.oid
                and ((c.relreplident = 'd' and i.indisprimary) or (c.relreplident = 'i' and i.indisreplident))) as columns
       from pg_class c where c.oid = $1::regclass`,
    [quotedSourceRelation(table)],
  );
  const row = rows[0];
  if (row && row.kind !== 'r' && row.kind !== 'p')
    throw new CdcSetupError(
      `Table ${describeTable(table)} is not a table (a view or materialized view): only tables reach the write-ahead log; give it mode full_refresh or a cursor.`,
    );
  if (!row || row.identity === 'f') return;
  const fix = `set primary_key to the table's key, or run ALTER TABLE ${quotedSourceRelation(table)} REPLICA IDENTITY FULL`;
  if (row.identity === 'n' || !row.columns)
    throw new CdcSetupError(
      `Table ${describeTable(table)} logs no key with its updates and deletes (REPLICA IDENTITY ${row.identity === 'n' ? 'NOTHING' : 'DEFAULT without a primary key'}), so mode cdc cannot match deletes to raw rows: ${fix}.`,
    );
  const missing = table.primaryKey.filter((key) => !row.columns!.includes(key));
  if (missing.length > 0)
    throw new CdcSetupError(
      `Table ${describeTable(table)} logs deletes with its replica identity (${row.columns.join(', ')}), which lacks primary_key column(s) ${missing.join(', ')}: ${fix}.`,
    );
}
