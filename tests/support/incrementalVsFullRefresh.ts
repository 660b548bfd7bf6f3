import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { childProcessEnv, type RebarConfig } from '../../orchestration/src/config/config.js';
import { runDbt } from '../../orchestration/src/dbt/runDbt.js';

export interface ModelComparison {
  model: string;
  rows: number;
  onlyIncremental: number;
  onlyFullRefresh: number;
}

/**
 * Rebuilds every incremental model with `--full-refresh` on a copy of the working warehouse and
 * compares each one's full contents (every column, duplicates counted) with the incremental build.
 */
export async function compareIncrementalWithFullRefresh(config: RebarConfig): Promise<ModelComparison[]> {
  // Same file name, so the catalog name views refer to stays "warehouse"; the same folder each time,
  // so dbt's partial parse of the project (keyed by the warehouse path) serves every later comparison.
  const folder = join(config.stateDir, 'full-refresh');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const rebuilt = join(folder, 'warehouse.duckdb');
  copyFileSync(config.warehousePath, rebuilt);
  const build = await runDbt({
    dbtBin: config.dbtBin,
    projectDir: config.dbtProjectDir,
    // run, not build: the comparison is about content, and a failing data test must not stop the rebuild.
    args: ['run', '--full-refresh', '--select', 'config.materialized:incremental'],
    env: { ...childProcessEnv(), REBAR_WAREHOUSE_PATH: rebuilt },
    targetPath: join(config.stateDir, 'full-refresh-target'),
  });
  assert.equal(build.exitCode, 0, build.errors.join('\n'));
  // The models that run selected: every incremental model of the project (no second dbt start-up to list them).
  const models = build.nodes
    .filter((node) => node.resourceType === 'model')
    .map((node) => node.uniqueId.split('.').at(-1) ?? node.uniqueId)
    .sort();
  assert.ok(models.includes('fct_crew_checkins'), models.join(', '));

  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`attach '${config.warehousePath}' as incremental (read_only)`);
    await connection.run(`attach '${rebuilt}' as full_refresh (read_only)`);
    const comparisons: ModelComparison[] = [];
    for (const model of models) {
      const result = await connection.runAndReadAll(`select
          (select count(*) from incremental.marts.${model})::int as rows,
          (select count(*) from (select * from incremental.marts.${model} except all select * from full_refresh.marts.${model}))::int as only_incremental,
          (select count(*) from (select * from full_refresh.marts.${model} except all select * from incremental.marts.${model}))::int as only_full_refresh`);
      const [row] = result.getRowObjectsJS();
      comparisons.push({
        model,
        rows: Number(row?.rows),
        onlyIncremental: Number(row?.only_incremental),
        onlyFullRefresh: Number(row?.only_full_refresh),
      });
    }
    return comparisons;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
