import { captureChanges } from '../../orchestration/src/cdc/captureChanges.js';
import type { CdcTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';

/**
 * A child process for tests/cdc/cdcKillTrials.test.ts: one capture of the cdc tables into a DuckDB
 * warehouse, as the captureChanges activity runs it, printing `START` as it begins and `STEP <n>` after
 * each table's step commits, so the test can SIGKILL it anywhere in between.
 *
 * usage: node dist/tests/support/captureOnce.js '{"sourceUrl", "warehousePath", "tables", "slot", "loadId", "chunkRows", "workDir"}'
 */
interface Arguments {
  sourceUrl: string;
  warehousePath: string;
  tables: CdcTableConfig[];
  slot: string;
  loadId: string;
  chunkRows: number;
  workDir: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Arguments;
const loader = new DuckDbWarehouse(args.warehousePath, `${args.warehousePath}.published`);
let steps = 0;
// Modules loaded: the test draws its kill from here, so a slow start-up does not eat the window.
process.stdout.write('START\n');
await captureChanges({
  sourceUrl: args.sourceUrl,
  loader,
  tables: args.tables,
  settings: { slot: args.slot, publication: args.slot, maxRetainedWalBytes: 1024 * 1024 * 1024 },
  loadId: args.loadId,
  workDir: args.workDir,
  chunkRows: args.chunkRows,
  onProgress: () => {
    steps += 1;
    process.stdout.write(`STEP ${steps}\n`);
  },
});
process.stdout.write('DONE\n');
