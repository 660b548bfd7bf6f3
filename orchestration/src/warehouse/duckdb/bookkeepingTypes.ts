import type { BookkeepingTypes } from '../bookkeeping/tables.js';

/** The bookkeeping column types in DuckDB (what every DuckDB warehouse has used since the first _rebar table). */
export const BOOKKEEPING_TYPES: BookkeepingTypes = {
  text: 'varchar',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double',
  timestamptz: 'timestamptz',
  json: 'json',
};
