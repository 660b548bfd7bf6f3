import { readRunHistory } from '../bookkeeping/runHistory.js';
import type { RunHistoryOutput } from '../warehouse.js';
import { snowflakeBookkeeping } from './bookkeeping.js';
import type { SnowflakeSession } from './connection.js';

/**
 * The run history in _REBAR (bookkeeping/runHistory.ts). Snowflake reads never wait for a load, so
 * this is always the working history, failed runs included.
 */
export async function runHistory(
  session: SnowflakeSession,
  database: string,
  limit: number,
): Promise<RunHistoryOutput> {
  return {
    history: await readRunHistory(snowflakeBookkeeping(session), limit),
    from: `Snowflake database ${database}, schema _REBAR`,
  };
}
