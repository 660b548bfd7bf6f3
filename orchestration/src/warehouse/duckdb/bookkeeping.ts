import type { DuckDBConnection } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import type { Bookkeeping } from '../bookkeeping/bookkeeping.js';
import type { BookkeepingDatabase } from '../bookkeeping/database.js';
import { BOOKKEEPING_SCHEMA } from '../bookkeeping/tables.js';
import { BOOKKEEPING_TYPES } from './bookkeepingTypes.js';
import { DuckDbDialect } from './kyselyDialect.js';

/** Typed access to the _rebar tables on an open DuckDB connection, through the DuckDB kysely dialect. */
export function duckdbBookkeeping(connection: DuckDBConnection): Bookkeeping {
  const db = new Kysely<BookkeepingDatabase>({ dialect: new DuckDbDialect(connection) }).withSchema(BOOKKEEPING_SCHEMA);
  return {
    db,
    run: async (query) => (await db.executeQuery(query.compile())).rows as Record<string, unknown>[],
    types: BOOKKEEPING_TYPES,
    epochMs: (column) => sql<number>`epoch_ms(${sql.ref(column)})`,
    insertBatchRows: 1000,
  };
}
