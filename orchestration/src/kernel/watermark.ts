/**
 * The last committed position of an incremental read: the (cursor, primary key) of the last row
 * loaded, as Postgres text (full microsecond precision; compared after casting back to the
 * column's own type, never as strings).
 */
export interface Watermark {
  cursor: string;
  primaryKey: string[];
}

/**
 * A stored watermark this run cannot use. Retrying reads the same row again, so the table fails at
 * once, and the message names the command that clears it.
 */
export class WatermarkError extends Error {
  override name = 'WatermarkError';
}

/** The command that forgets a table's watermark (and, without the flag, its raw rows). */
export function resetCommand(tableName: string): string {
  return `rebar reset ${tableName}`;
}

/** A watermark with a different number of key values than the table's configured primary key (the key was changed). */
export class WatermarkMismatchError extends WatermarkError {
  constructor(table: { name: string; primaryKey: string[] }, position: Watermark) {
    super(
      `The stored watermark for ${table.name} holds ${position.primaryKey.length} primary-key value(s) but its primary_key is now ${table.primaryKey.length} column(s) (${table.primaryKey.join(', ')}); ` +
        `the key changed since the table was loaded. Run \`${resetCommand(table.name)}\` to reload it under the new key.`,
    );
  }
}
