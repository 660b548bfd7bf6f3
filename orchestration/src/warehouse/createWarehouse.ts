import type { RebarConfig } from '../config/config.js';
import { DuckDbWarehouse } from './duckdb/duckdbWarehouse.js';
import type { Warehouse } from './warehouse.js';
import { SnowflakeWarehouse } from './snowflake/snowflakeWarehouse.js';

/** The warehouse the configuration asks for (REBAR_TARGET; DuckDB is the embedded default). */
export function createWarehouse(config: RebarConfig): Warehouse {
  if (config.target === 'snowflake') {
    if (!config.snowflake)
      throw new Error('REBAR_TARGET=snowflake but the Snowflake settings are missing (loadConfig sets them)');
    return new SnowflakeWarehouse(config.snowflake);
  }
  return new DuckDbWarehouse(config.warehousePath, config.publishedPath, { memoryLimit: config.duckdbMemoryLimit });
}
