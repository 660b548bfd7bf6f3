import { quoteIdent } from '../../extract/sqlIdentifiers.js';
import type { PublishOutput } from '../loader.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import type { SnowflakeSession } from './snowflakeConnection.js';

/** The schema readers (Metabase, analysts) query: the marts and run history of the last fully successful run. */
export const PUBLISHED_SCHEMA = 'PUBLISHED';
/** Run history published next to the marts, prefixed so it cannot collide with a mart's name. */
const RUN_HISTORY = ['RUNS', 'RUN_TABLES', 'RUN_MODELS'];

/**
 * Publishes by zero-copy clone: every table dbt built in MARTS, and the run history, replaced in
 * PUBLISHED with `create or replace table ... clone`. Each replacement is atomic, so a reader
 * never sees a half-written table, and dbt rebuilding MARTS in a later run never touches what
 * readers query. Across tables it is not one atomic step: a reader querying two tables during
 * the seconds a publish takes can see one from the new run and one from the previous run.
 * (`alter schema ... swap with` would close that gap on Snowflake, but the fakesnow emulator the
 * tests run on cannot parse it, so this loader does not use it.) Tables dropped from MARTS stay
 * in PUBLISHED until dropped by hand.
 */
export async function publishSchema(session: SnowflakeSession, database: string): Promise<PublishOutput> {
  await session.execute(`create schema if not exists ${PUBLISHED_SCHEMA}`);
  const marts = await session.query("select table_name from information_schema.tables where table_schema = 'MARTS' and table_type = 'BASE TABLE' order by table_name");
  for (const row of marts) {
    const name = quoteIdent(String(row.TABLE_NAME));
    await session.execute(`create or replace table ${PUBLISHED_SCHEMA}.${name} clone marts.${name}`);
  }
  for (const name of RUN_HISTORY) {
    await session.execute(`create or replace table ${PUBLISHED_SCHEMA}.${quoteIdent(`_REBAR_${name}`)} clone ${METADATA_SCHEMA}.${name}`);
  }
  const size = await session.query(`select coalesce(sum(bytes), 0) as bytes from information_schema.tables where table_schema = '${PUBLISHED_SCHEMA}'`);
  return { location: `${database}.${PUBLISHED_SCHEMA}`, bytes: Number(size[0]?.BYTES ?? 0) };
}
