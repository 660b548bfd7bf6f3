import type { Bind } from './connection.js';

/**
 * The values of one statement's `?` placeholders, in the order the statement's text places them:
 * every value Rebar puts into Snowflake SQL travels as a bind, never inside a literal (Snowflake
 * reads \ as an escape in single-quoted strings, so quoting alone is not enough).
 */
export class Binds {
  readonly values: Bind[] = [];

  /** Records `value` and returns its placeholder: call in the order the SQL text uses them. */
  add(value: Bind): string {
    this.values.push(value);
    return '?';
  }
}
