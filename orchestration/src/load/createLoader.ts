import type { RebarConfig } from '../config/config.js';
import { DuckDbLoader } from './duckdb/duckdbLoader.js';
import type { Loader } from './loader.js';

/** The warehouse loader the configuration asks for (DuckDB is the embedded default). */
export function createLoader(config: RebarConfig): Loader {
  return new DuckDbLoader(config.warehousePath, config.publishedPath);
}
