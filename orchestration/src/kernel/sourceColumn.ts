export interface SourceColumn {
  name: string;
  /** Postgres type as format_type() prints it, e.g. `numeric(14,2)`, `timestamp with time zone`. */
  pgType: string;
  /**
   * Postgres' attnum: kept by a RENAME COLUMN, new for an added column, so a column that appears
   * at the position a vanished one had is that column renamed. Absent where columns are made up.
   */
  position?: number;
  /**
   * Set when the tables config's column_types lands the column as another type: the column's own
   * Postgres type. pgType is then the type the value is cast to before it leaves (extractExpression).
   */
  sourcePgType?: string;
}

/** A source table Rebar cannot read or land as it is (a missing column, a value no warehouse type holds): the message says which and what to do. */
export class SourceTableError extends Error {
  override name = 'SourceTableError';
}
