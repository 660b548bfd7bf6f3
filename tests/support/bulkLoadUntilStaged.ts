import pg from 'pg';
import { loadConfig } from '../../orchestration/src/config/config.js';
import type { IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { extractOnce } from './extractOnce.js';
import { createWarehouse } from '../../orchestration/src/warehouse/createWarehouse.js';
import type { BulkLoad, Warehouse } from '../../orchestration/src/warehouse/warehouse.js';

/**
 * A child process for tests/warehouse/snowflake/snowflakeBulkLoad.test.ts: one table's extraction
 * and bulk load on the Snowflake target of its environment (REBAR_TARGET=snowflake, the emulator),
 * which stops once every file is on the stage, before the COPY and the MERGE: it prints
 * `STAGED <files>` and waits there for the test to SIGKILL it.
 *
 * usage: node dist/tests/support/bulkLoadUntilStaged.js '{"sourceUrl", "table", "loadId", "chunkRows", "fileBytes"}'
 */
interface Arguments {
  sourceUrl: string;
  table: IncrementalTableConfig;
  loadId: string;
  chunkRows: number;
  fileBytes: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Arguments;
const config = loadConfig(process.env);
if (!config.snowflake) throw new Error('bulkLoadUntilStaged needs REBAR_TARGET=snowflake');
config.snowflake.fileBytes = args.fileBytes;
const warehouse = createWarehouse(config);
const startBulkLoad = warehouse.startBulkLoad;
if (!startBulkLoad) throw new Error('the configured warehouse has no bulk load');

const haltingAfterStage: Warehouse = Object.assign(Object.create(warehouse) as Warehouse, {
  startBulkLoad: async (input: Parameters<typeof startBulkLoad>[0]): Promise<BulkLoad> => {
    const bulk = await startBulkLoad(input);
    return {
      schemaChanges: bulk.schemaChanges,
      add: (filePath) => bulk.add(filePath),
      stage: async () => {
        const files = await bulk.stage();
        process.stdout.write(`STAGED ${files}\n`);
        return new Promise<number>(() => undefined);
      },
      finish: (options) => bulk.finish(options),
      abandon: () => bulk.abandon(),
    };
  },
});

const client = new pg.Client({ connectionString: args.sourceUrl });
await client.connect();
await extractOnce(client, haltingAfterStage, args.table, args.loadId, args.chunkRows);
