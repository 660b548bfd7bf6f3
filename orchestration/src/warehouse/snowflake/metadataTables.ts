import { BOOKKEEPING_SCHEMA, bookkeepingDdl } from '../bookkeeping/tables.js';
import { BOOKKEEPING_TYPES } from './bookkeepingTypes.js';
import type { SnowflakeSession } from './connection.js';

/** The schema of Rebar's bookkeeping (unquoted, so _REBAR), and the named stage extract files go through. */
export const METADATA_SCHEMA = BOOKKEEPING_SCHEMA;
export const STAGE = `${METADATA_SCHEMA}.rebar_stage`;

/**
 * Rebar's own bookkeeping in Snowflake: the same tables as every warehouse (bookkeeping/tables.ts)
 * in Snowflake's types. Snowflake does not enforce primary keys, so none is declared; every writer
 * deletes the old row and inserts the new one in one transaction.
 */
export async function ensureMetadataTables(session: SnowflakeSession): Promise<void> {
  await session.execute(`create schema if not exists ${METADATA_SCHEMA}`);
  for (const statement of bookkeepingDdl(BOOKKEEPING_TYPES, false)) await session.execute(statement);
  await session.execute(`create stage if not exists ${STAGE}`);
}
