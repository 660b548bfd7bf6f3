import type { Compilable, Kysely, RawBuilder } from 'kysely';
import type { BookkeepingDatabase } from './database.js';
import type { BookkeepingTypes } from './tables.js';

/**
 * Typed access to one warehouse's _rebar tables inside an open connection or session: build
 * queries with `db` (kysely, schema _rebar), run them with `run` (in the connection's transaction,
 * if one is open). Each target makes one (duckdb/bookkeeping.ts, snowflake/bookkeeping.ts).
 */
export interface Bookkeeping {
  db: Kysely<BookkeepingDatabase>;
  /** Runs a query; rows keyed by lower-case column names (Snowflake returns them upper-case). */
  run(query: Compilable): Promise<Record<string, unknown>[]>;
  types: BookkeepingTypes;
  /** A timestamp column as epoch milliseconds: how reads get one instant whatever the target's timestamp type returns. */
  epochMs(column: string): RawBuilder<number>;
  /** Rows per multi-row INSERT (Snowflake binds every value; few round trips, statements of modest size). */
  insertBatchRows: number;
}
