import type { RebarConfig } from '../../orchestration/src/config/config.js';
import { withSnowflake } from '../../orchestration/src/warehouse/snowflake/connection.js';

/** Runs one query against the configured Snowflake (fakesnow in tests); rows keyed by upper-case column names. */
export function querySnowflake(config: RebarConfig, sqlText: string): Promise<Record<string, unknown>[]> {
  if (!config.snowflake) throw new Error('querySnowflake needs REBAR_TARGET=snowflake');
  return withSnowflake(config.snowflake, 'raw', (session) => session.query(sqlText));
}
