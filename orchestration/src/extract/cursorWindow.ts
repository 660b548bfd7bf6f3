import { SourceTableError } from './sourceColumns.js';
import { describeTable } from './sourceRelation.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { IncrementalTableConfig } from '../kernel/tablesConfig.js';
import { UserError } from '../errors/userError.js';

/**
 * A backfill's range of cursor values, from (inclusive) to (exclusive): dates or timestamps for
 * tables with a time cursor (updated_at), whole numbers for tables with a sequence cursor.
 */
export interface CursorWindow {
  from: string;
  to: string;
}

export type CursorWindowKind = 'time' | 'integer';

const TIME_CURSOR = /^(timestamp(\(\d\))? with(out)? time zone|date)$/;
const INTEGER_CURSOR = /^(smallint|integer|bigint)$/;
const WHOLE_NUMBER = /^-?\d+$/;

/** Which cursors the window's bounds can be compared with; an error naming the bad bound otherwise. */
export function cursorWindowKind(window: CursorWindow): CursorWindowKind {
  const kinds = [window.from, window.to].map((bound) => {
    if (WHOLE_NUMBER.test(bound)) return 'integer' as const;
    if (!Number.isNaN(Date.parse(bound))) return 'time' as const;
    throw new CursorWindowError(
      `Backfill bound "${bound}" is neither a date/timestamp (2026-01-31, 2026-01-31T06:00:00Z) nor a whole number.`,
    );
  });
  if (kinds[0] !== kinds[1])
    throw new CursorWindowError(
      `Backfill bounds "${window.from}" and "${window.to}" must both be dates/timestamps or both whole numbers.`,
    );
  if (
    kinds[0] === 'integer' ? BigInt(window.from) >= BigInt(window.to) : Date.parse(window.from) >= Date.parse(window.to)
  ) {
    throw new CursorWindowError(`Backfill window is empty: --from ${window.from} must be before --to ${window.to}.`);
  }
  return kinds[0]!;
}

/** The kind of window a cursor of this Postgres type takes; undefined for types Rebar cannot use as a cursor. */
export function cursorKindOfPg(pgType: string): CursorWindowKind | undefined {
  if (TIME_CURSOR.test(pgType)) return 'time';
  if (INTEGER_CURSOR.test(pgType)) return 'integer';
  return undefined;
}

/** SQL true for source rows inside the window, for a table whose cursor has the given type. */
export function cursorWindowPredicate(
  table: IncrementalTableConfig,
  cursorPgType: string,
  window: CursorWindow,
): string {
  if (cursorKindOfPg(cursorPgType) !== cursorWindowKind(window)) {
    throw new SourceTableError(
      `Table ${describeTable(table)}: its cursor ${table.cursor} is ${cursorPgType}, which the backfill window ${window.from} .. ${window.to} cannot bound; leave the table out (--tables) or give ${cursorKindOfPg(cursorPgType) === 'integer' ? 'whole-number' : 'date'} bounds.`,
    );
  }
  const cursor = quoteIdent(table.cursor);
  return `${cursor} >= ${quoteLiteral(window.from)}::${cursorPgType} and ${cursor} < ${quoteLiteral(window.to)}::${cursorPgType}`;
}

export class CursorWindowError extends UserError {}
