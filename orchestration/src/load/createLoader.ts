import type { RebarConfig } from '../config/config.js';
import { DuckDbLoader } from './duckdb/duckdbLoader.js';
import type { Loader } from './loader.js';
import { SnowflakeLoader } from './snowflake/snowflakeLoader.js';

/** The warehouse loader the configuration asks for (REBAR_TARGET; DuckDB is the embedded default). */
export function createLoader(config: RebarConfig): Loader {
  if (config.target === 'snowflake') {
    if (!config.snowflake) throw new Error('REBAR_TARGET=snowflake but the Snowflake settings are missing (loadConfig sets them)');
    return new SnowflakeLoader(config.snowflake);
  }
  return new DuckDbLoader(config.warehousePath, config.publishedPath);
}
