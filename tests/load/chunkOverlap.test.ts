import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, test } from 'vitest';
import { extractAndLoad } from '../../orchestration/src/load/extractAndLoad.js';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import type { LoadFileInput, LoadFileOutput } from '../../orchestration/src/warehouse/warehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const readings: TableConfig = {
  name: 'readings',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};

beforeAll(async () => {
  source = await startTempPostgres();
  // Three cursor values shared by many rows, so chunk boundaries fall inside runs of equal cursors.
  await source.client.query(`
    create table readings (id bigint primary key, reading text, updated_at timestamptz not null);
    insert into readings
    select n, 'reading "' || n || E'"\\nsecond line', timestamptz '2026-01-01' + (n % 3) * interval '1 hour'
    from generate_series(1, 3500) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

/** Files other than `loading` in the work folder that already hold rows. */
function otherChunkFiles(workDir: string, loading: string): string[] {
  return readdirSync(workDir)
    .map((name) => join(workDir, name))
    .filter((file) => file !== loading && existsSync(file) && statSync(file).size > 0);
}

test('the next chunk is copied out of the source while a chunk loads, and the rows arrive whole and once', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'rebar-overlap-'));
  const path = join(workDir, '..', `${workDir.split('/').pop()}.duckdb`);
  const seenWhileLoading: number[] = [];
  class WaitsForNextCopy extends DuckDbWarehouse {
    override async loadFile(input: LoadFileInput): Promise<LoadFileOutput> {
      if (input.countRows === false) {
        // A chunk that is not the last: the next one's COPY must already be under way, so wait for its file.
        for (let waited = 0; waited < 300 && otherChunkFiles(workDir, input.filePath).length === 0; waited += 1)
          await sleep(100);
        seenWhileLoading.push(otherChunkFiles(workDir, input.filePath).length);
      }
      const loaded = await super.loadFile(input);
      rmSync(input.filePath); // so the next check sees only a file copied after this one
      return loaded;
    }
  }
  const output = await extractAndLoad({
    client: source.client,
    loader: new WaitsForNextCopy(path, `${path}.published`),
    table: readings,
    loadId: 'overlap',
    chunkRows: 1000,
    workDir,
  });
  console.log(`chunks ${output.chunks}, next chunk's file present during each non-last load: ${seenWhileLoading}`);
  assert.deepEqual([output.chunks, output.rowsExtracted, output.rowsWritten], [4, 3500, 3500]);
  assert.deepEqual(seenWhileLoading, [1, 1, 1], 'each of the first three loads ran beside the next COPY');
  assert.deepEqual([output.sourceRows, output.warehouseRows], [3500, 3500]);
  assert.deepEqual((await compareTables(source.client, path, [readings])).mismatches, []);
  assert.deepEqual(readdirSync(workDir), [], 'chunk files are removed');
});

test('a load that fails while the next chunk is being copied leaves the source connection usable and no files behind', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'rebar-overlap-'));
  const path = join(workDir, '..', `${workDir.split('/').pop()}.duckdb`);
  let loads = 0;
  class FailsOnSecondChunk extends DuckDbWarehouse {
    override async loadFile(input: LoadFileInput): Promise<LoadFileOutput> {
      loads += 1;
      if (loads === 2) throw new Error('warehouse went away');
      return super.loadFile(input);
    }
  }
  await assert.rejects(
    extractAndLoad({
      client: source.client,
      loader: new FailsOnSecondChunk(path, `${path}.published`),
      table: readings,
      loadId: 'fails',
      chunkRows: 1000,
      workDir,
    }),
    /warehouse went away/,
  );
  assert.deepEqual(readdirSync(workDir), [], 'chunk files are removed, the pending one included');
  const after = await source.client.query<{ n: string }>('select count(*) as n from readings');
  assert.equal(after.rows[0]?.n, '3500', 'the source connection answers the next query');
  const loader = new DuckDbWarehouse(path, `${path}.published`);
  assert.deepEqual((await loader.getWatermark(readings))?.primaryKey.length, 1, 'the first chunk stays committed');
});
