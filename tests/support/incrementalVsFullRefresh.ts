import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { childProcessEnv, type RebarConfig } from '../../orchestration/src/config/config.js';
import { runDbt } from '../../orchestration/src/dbt/runDbt.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';

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
  const env = { ...childProcessEnv(), REBAR_WAREHOUSE_PATH: config.warehousePath };
  const listed = await runCommand(
    config.dbtBin,
    [
      'ls',
      '--resource-type',
      'model',
      '--select',
      'config.materialized:incremental',
      '--output',
      'name',
      '--project-dir',
      config.dbtProjectDir,
      '--profiles-dir',
      config.dbtProjectDir,
      '--quiet',
    ],
    { cwd: config.dbtProjectDir, env },
  );
  const models = listed.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  assert.ok(models.includes('fct_crew_checkins'), models.join(', '));

  // Same file name, so the catalog name views refer to stays "warehouse".
  const folder = mkdtempSync(join(tmpdir(), 'rebar-full-refresh-'));
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
