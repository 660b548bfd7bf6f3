import { rename, rm, stat } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { PublishInput, PublishOutput } from '../warehouse.js';
import { METADATA_SCHEMA_NAME, PUBLISHED_RUN_HISTORY, type PublishSettings } from '../../kernel/publishSettings.js';
import { takeTurn, withDuckDb } from './connection.js';
import { databaseNameOf } from './readOnlyWarehouse.js';
import { requireLastBuild } from './lastBuild.js';
import { PUBLISHED_MARKER_TABLE } from './publishedMarker.js';

/** The catalog the next published file is written under while it is built (readers see their file's own name). */
const NEXT = 'rebar_publishing';

export interface PublishFileInput extends PublishInput {
  warehousePath: string;
  publishedPath: string;
}

/**
 * DuckDB lets one process write a file or many read it, never both. So readers get their own file,
 * built from what they may see: the configured schemas' relations (views materialized as tables,
 * so none names the working file's catalog), the run history, every table and column description,
 * and which run it is. Built as `<published>.publishing`, checkpointed, renamed into place: the
 * rename is atomic, and a reader that already has the old file open keeps reading that complete
 * version until it reconnects. Only the run the working warehouse last recorded, as a success,
 * may publish (see lastBuild.ts); the check and the copy hold the same read lock on the working file.
 */
export async function publishDuckDbFile(input: PublishFileInput): Promise<PublishOutput> {
  const { warehousePath, publishedPath, runId, settings } = input;
  await withDuckDb(warehousePath, (connection) => connection.run('checkpoint'));
  return takeTurn(warehousePath, async () => {
    const staging = `${publishedPath}.publishing`;
    await rm(staging, { force: true });
    const working = databaseNameOf(warehousePath);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`attach ${quoteLiteral(warehousePath)} as ${quoteIdent(working)} (read_only)`);
      const run = await requireLastBuild(connection, working, runId);
      await connection.run(`attach ${quoteLiteral(staging)} as ${NEXT}`);
      // One transaction: one commit for every table and description, not one per statement.
      await connection.run('begin transaction');
      for (const relation of await publishedRelations(connection, working, settings)) {
        await copyRelation(connection, working, relation);
      }
      await connection.run(`create schema ${NEXT}.${quoteIdent(METADATA_SCHEMA_NAME)}`);
      if (settings.runHistory) {
        for (const table of PUBLISHED_RUN_HISTORY)
          await copyRelation(connection, working, { schema: METADATA_SCHEMA_NAME, name: table, comment: null });
      }
      await connection.run(
        `create table ${NEXT}.${quoteIdent(METADATA_SCHEMA_NAME)}.${PUBLISHED_MARKER_TABLE} as
         select ${quoteLiteral(run.runId)} as run_id, ${quoteLiteral(run.workflowId)} as workflow_id, current_timestamp as published_at`,
      );
      await connection.run(
        `comment on table ${NEXT}.${quoteIdent(METADATA_SCHEMA_NAME)}.${PUBLISHED_MARKER_TABLE} is 'The run that built and tested this published version, and when it was published.'`,
      );
      await connection.run('commit');
      await connection.run(`checkpoint ${NEXT}`);
      await connection.run(`detach ${NEXT}`);
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    await rename(staging, publishedPath);
    return { location: publishedPath, bytes: (await stat(publishedPath)).size };
  });
}

interface Relation {
  schema: string;
  name: string;
  comment: string | null;
}

/** Every table and view of the published schemas; a schema listed in rebar.yml that the warehouse lacks is an error. */
async function publishedRelations(
  connection: DuckDBConnection,
  working: string,
  settings: PublishSettings,
): Promise<Relation[]> {
  const catalog = quoteLiteral(working);
  // DuckDB marks main internal too, but a dbt project may build there: only the catalog views are not the user's.
  const present = (
    await connection.runAndReadAll(
      `select schema_name from duckdb_schemas() where database_name = ${catalog} and schema_name not in ('information_schema', 'pg_catalog') order by schema_name`,
    )
  )
    .getRowsJS()
    .map((row) => String(row[0]));
  const missing = settings.schemas.filter((schema) => !present.includes(schema));
  if (settings.schemasConfigured && missing.length > 0) {
    throw new PublishSettingsError(
      `rebar.yml publish.schemas lists ${missing.map((schema) => `"${schema}"`).join(', ')}, which the working warehouse does not have ` +
        `(it has ${present.join(', ')}): fix the name, or remove it from publish.schemas`,
    );
  }
  const wanted = settings.schemas
    .filter((schema) => present.includes(schema))
    .map(quoteLiteral)
    .join(', ');
  if (wanted === '') return [];
  const rows = await connection.runAndReadAll(
    `select schema_name, table_name as name, comment from duckdb_tables() where database_name = ${catalog} and schema_name in (${wanted})
     union all
     select schema_name, view_name as name, comment from duckdb_views() where database_name = ${catalog} and schema_name in (${wanted}) and not internal
     order by 1, 2`,
  );
  return rows.getRowObjectsJS().map((row) => ({
    schema: String(row.schema_name),
    name: String(row.name),
    comment: row.comment === null ? null : String(row.comment),
  }));
}

/** A table or view of the working warehouse as a table of the next published file, its descriptions with it. */
async function copyRelation(connection: DuckDBConnection, working: string, relation: Relation): Promise<void> {
  const schema = quoteIdent(relation.schema);
  const target = `${NEXT}.${schema}.${quoteIdent(relation.name)}`;
  await connection.run(`create schema if not exists ${NEXT}.${schema}`);
  await connection.run(
    `create table ${target} as select * from ${quoteIdent(working)}.${schema}.${quoteIdent(relation.name)}`,
  );
  if (relation.comment) await connection.run(`comment on table ${target} is ${quoteLiteral(relation.comment)}`);
  const catalog = quoteLiteral(working);
  const columns = await connection.runAndReadAll(
    `select column_name, comment from duckdb_columns() where database_name = ${catalog} and schema_name = $1 and table_name = $2 and comment is not null`,
    [relation.schema, relation.name],
  );
  for (const [column, comment] of columns.getRowsJS()) {
    await connection.run(
      `comment on column ${target}.${quoteIdent(String(column))} is ${quoteLiteral(String(comment))}`,
    );
  }
}

/** rebar.yml's publish: section names something the working warehouse does not have: no retry fixes it. */
export class PublishSettingsError extends Error {
  override name = 'PublishSettingsError';
}
