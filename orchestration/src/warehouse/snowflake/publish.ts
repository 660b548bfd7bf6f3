import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { PublishOutput } from '../warehouse.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';

/** The schema readers (Metabase, analysts) query: the marts and run history of the last fully successful run. */
export const PUBLISHED_SCHEMA = 'PUBLISHED';
/** Where the next version is assembled; after the swap it holds the previous version until it is dropped. */
const NEXT_SCHEMA = 'PUBLISHED__NEXT';
/** Run history published next to the marts, prefixed so it cannot collide with a mart's name. */
const RUN_HISTORY = ['RUNS', 'RUN_TABLES', 'RUN_MODELS'];

/**
 * Publishes by clone and swap: every table dbt built in MARTS, and the run history, zero-copy
 * cloned into PUBLISHED__NEXT, which `alter schema ... swap with PUBLISHED` then exchanges with
 * the published schema in one atomic step. A reader sees the previous version or the new one,
 * never a mix; dbt rebuilding MARTS in a later run never touches what readers query. Grants on
 * a schema travel with it in a swap, so the reader role (if configured) is granted on the new
 * version before it goes live. A crash at any step leaves PUBLISHED as it was; the next publish
 * starts PUBLISHED__NEXT afresh.
 */
export async function publishSchema(
  session: SnowflakeSession,
  database: string,
  readerRole: string | undefined,
): Promise<PublishOutput> {
  // Transient, like the marts dbt-snowflake builds: Snowflake clones a transient table only into a
  // transient (or temporary) one. A published version is rebuilt from MARTS at will, so fail-safe
  // storage would buy nothing; a PUBLISHED left permanent by an older Rebar is replaced at the swap.
  await session.execute(`create transient schema if not exists ${PUBLISHED_SCHEMA}`);
  await session.execute(`create or replace transient schema ${NEXT_SCHEMA}`);
  const marts = await session.query(
    "select table_name from information_schema.tables where table_schema = 'MARTS' and table_type = 'BASE TABLE' order by table_name",
  );
  for (const row of marts) {
    const name = quoteIdent(String(row.TABLE_NAME));
    await session.execute(`create table ${NEXT_SCHEMA}.${name} clone marts.${name}`);
  }
  for (const name of RUN_HISTORY) {
    await session.execute(
      `create table ${NEXT_SCHEMA}.${quoteIdent(`_REBAR_${name}`)} clone ${METADATA_SCHEMA}.${name}`,
    );
  }
  if (readerRole) {
    await session.execute(`grant usage on schema ${NEXT_SCHEMA} to role ${sfIdent(readerRole)}`);
    await session.execute(`grant select on all tables in schema ${NEXT_SCHEMA} to role ${sfIdent(readerRole)}`);
  }
  await session.execute(`alter schema ${NEXT_SCHEMA} swap with ${PUBLISHED_SCHEMA}`);
  await session.execute(`drop schema if exists ${NEXT_SCHEMA}`);
  const size = await session.query(
    `select coalesce(sum(bytes), 0) as bytes from information_schema.tables where table_schema = '${PUBLISHED_SCHEMA}'`,
  );
  return { location: `${database}.${PUBLISHED_SCHEMA}`, bytes: Number(size[0]?.BYTES ?? 0) };
}
