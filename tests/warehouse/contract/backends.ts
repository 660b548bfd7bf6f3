import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { withDuckDb } from '../../../orchestration/src/warehouse/duckdb/connection.js';
import type { Warehouse } from '../../../orchestration/src/warehouse/warehouse.js';
import { startFakesnow } from '../../support/fakesnow.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { testConfig } from '../../support/testConfig.js';

export type TextRow = Record<string, string | null>;

/** One warehouse under the contract suite, with a side door to read and set up its tables directly. */
export interface ContractBackend {
  config: RebarConfig;
  warehouse: Warehouse;
  /** Runs SQL on the working warehouse; keys lower-cased, values as text (cast in the SQL what prints differently). */
  query(sql: string): Promise<TextRow[]>;
  /** How `rebar sql` names a published mart (the DuckDB file keeps the marts schema; Snowflake's PUBLISHED holds the tables). */
  publishedMart(name: string): string;
  stop(): Promise<void>;
}

export interface BackendFactory {
  name: string;
  start(): Promise<ContractBackend>;
}

const asText = (rows: Record<string, unknown>[]): TextRow[] =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key.toLowerCase(),
        value === null || value === undefined ? null : String(value),
      ]),
    ),
  );

export const duckdb: BackendFactory = {
  name: 'duckdb',
  start: async () => {
    const config = testConfig();
    return {
      config,
      warehouse: createWarehouse(config),
      query: (sql) =>
        withDuckDb(config.warehousePath, async (connection) =>
          asText((await connection.runAndReadAll(sql)).getRowObjectsJS()),
        ),
      publishedMart: (name) => `marts.${name}`,
      stop: async () => undefined,
    };
  },
};

export const fakesnow: BackendFactory = {
  name: 'snowflake (fakesnow)',
  start: async () => {
    const emulator = await startFakesnow();
    const config = testConfig(emulator.env);
    return {
      config,
      warehouse: createWarehouse(config),
      query: async (sql) => asText(await querySnowflake(config, sql)),
      publishedMart: (name) => name,
      stop: () => emulator.stop(),
    };
  },
};
