import { sql } from 'kysely';
import type { Bookkeeping } from '../bookkeeping/bookkeeping.js';
import type { BookkeepingDatabase } from '../bookkeeping/database.js';
import { BOOKKEEPING_SCHEMA } from '../bookkeeping/tables.js';
import { lowerCaseKeys } from '../recordedNodeResults.js';
import { BOOKKEEPING_TYPES } from './bookkeepingTypes.js';
import type { Bind, SnowflakeSession } from './connection.js';
import { compileOnlyKysely } from './kyselyCompiler.js';

const db = compileOnlyKysely<BookkeepingDatabase>().withSchema(BOOKKEEPING_SCHEMA);

/** Typed access to the _REBAR tables in an open Snowflake session: kysely compiles, the session runs. */
export function snowflakeBookkeeping(session: SnowflakeSession): Bookkeeping {
  return {
    db,
    run: async (query) => {
      const compiled = query.compile();
      return (await session.query(compiled.sql, compiled.parameters as Bind[])).map(lowerCaseKeys);
    },
    types: BOOKKEEPING_TYPES,
    epochMs: (column) => sql<number>`date_part(epoch_millisecond, ${sql.ref(column)})`,
    insertBatchRows: 200,
  };
}
