import type { RunSummary } from '../../runs/runSummary.js';
import { recordRun as recordRunRows } from '../bookkeeping/recordRun.js';
import { snowflakeBookkeeping } from './bookkeeping.js';
import { inTransaction, type SnowflakeSession } from './connection.js';

/** The run summary into the _REBAR run-history tables (bookkeeping/recordRun.ts), replacing an earlier attempt's rows, in one transaction. */
export function recordRun(session: SnowflakeSession, summary: RunSummary): Promise<void> {
  return inTransaction(session, () => recordRunRows(snowflakeBookkeeping(session), summary));
}
