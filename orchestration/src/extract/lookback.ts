import { cursorKindOfPg } from './cursorWindow.js';
import { SourceTableError } from './sourceColumns.js';
import { describeTable } from './sourceRelation.js';
import type { IncrementalTableConfig } from '../kernel/tablesConfig.js';

/**
 * Why re-read: a row's cursor value is fixed when its transaction writes it (updated_at = now(),
 * the transaction's start; a sequence value at insert), but the row only becomes visible when that
 * transaction commits. A run that reads past that cursor value before the commit would skip the row
 * forever. Re-reading a window behind the watermark, merged idempotently by primary key, picks such
 * rows up on the next run, as long as the window is longer than the longest write transaction.
 */
export type Lookback = { kind: 'none' } | { kind: 'interval'; interval: string } | { kind: 'count'; count: number };

const DEFAULT_INTERVAL = '15 minutes';
const DEFAULT_COUNT = 1000;

export function resolveLookback(table: IncrementalTableConfig, cursorPgType: string): Lookback {
  const configured = table.lookback;
  const kind = cursorKindOfPg(cursorPgType);
  if (kind === 'time') {
    if (configured === undefined) return { kind: 'interval', interval: DEFAULT_INTERVAL };
    if (configured === '0') return { kind: 'none' };
    if (/^\d+$/.test(configured))
      throw new SourceTableError(
        `Table ${describeTable(table)}: lookback "${configured}" needs a unit for a ${cursorPgType} cursor, e.g. "${configured} minutes".`,
      );
    return { kind: 'interval', interval: configured };
  }
  if (kind === 'integer') {
    if (configured === undefined) return { kind: 'count', count: DEFAULT_COUNT };
    if (!/^\d+$/.test(configured))
      throw new SourceTableError(
        `Table ${describeTable(table)}: lookback "${configured}" must be a whole number of sequence values for the ${cursorPgType} cursor ${table.cursor}.`,
      );
    return Number(configured) === 0 ? { kind: 'none' } : { kind: 'count', count: Number(configured) };
  }
  throw new SourceTableError(
    `Table ${describeTable(table)}: cursor column "${table.cursor}" has type ${cursorPgType}; Rebar needs a timestamp, date or integer cursor that grows with every change (e.g. updated_at or a bigserial id).`,
  );
}
