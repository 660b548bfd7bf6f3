/**
 * The last committed position of an incremental read: the (cursor, primary key) of the last row
 * loaded, as Postgres text (full microsecond precision; compared after casting back to the
 * column's own type, never as strings).
 */
export interface Watermark {
  cursor: string;
  primaryKey: string[];
}
