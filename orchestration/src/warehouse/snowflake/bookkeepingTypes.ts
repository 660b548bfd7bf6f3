import type { BookkeepingTypes } from '../bookkeeping/tables.js';

/** The bookkeeping column types in Snowflake: one NUMBER(38,0) for every whole number, JSON kept as text (VARCHAR). */
export const BOOKKEEPING_TYPES: BookkeepingTypes = {
  text: 'varchar',
  integer: 'number(38,0)',
  bigint: 'number(38,0)',
  double: 'float',
  timestamptz: 'timestamp_tz',
  json: 'varchar',
};
