import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { childProcessEnv, type RebarConfig } from '../../orchestration/src/config/config.js';
import { runDbt } from '../../orchestration/src/dbt/runDbt.js';

export interface ModelComparison {
  model: string;
  rows: number;
  onlyIncremental: number;
  onlyFullRefresh: number;
  /** Set for a rollup of pruned raw rows: the first period compared (the newest retention cutoff's date). */
  comparedFrom?: string;
}

/**
 * The rollups of a table with `retention`, by the column naming each row's period. A full refresh
 * rebuilds them from the raw rows still retained while the incremental build keeps periods pruned
 * since (docs/star-schema.md, Incremental models): a run crossing midnight UTC moves the cutoff a day
 * between two nights. They are compared from the newest cutoff on.
 */
const PERIOD_OF_PRUNED_ROLLUP: Record<string, string> = {
  fct_platform_events_hourly: 'event_date',
  fct_platform_events_daily: 'event_date',
  fct_platform_events_weekly: 'week_start_date',
  fct_platform_active_users_daily: 'event_date',
};

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
    const cutoff = await newestPruneCutoff(connection);
    const comparisons: ModelComparison[] = [];
    for (const model of models) {
      const period = PERIOD_OF_PRUNED_ROLLUP[model];
      const comparedFrom = period && cutoff ? cutoff : undefined;
      const rowsOf = (build: string) =>
        `(select * from ${build}.marts.${model}${comparedFrom ? ` where ${period} >= date '${comparedFrom}'` : ''})`;
      const result = await connection.runAndReadAll(`select
          (select count(*) from ${rowsOf('incremental')})::int as rows,
          (select count(*) from (select * from ${rowsOf('incremental')} except all select * from ${rowsOf('full_refresh')}))::int as only_incremental,
          (select count(*) from (select * from ${rowsOf('full_refresh')} except all select * from ${rowsOf('incremental')}))::int as only_full_refresh`);
      const [row] = result.getRowObjectsJS();
      comparisons.push({
        model,
        rows: Number(row?.rows),
        onlyIncremental: Number(row?.only_incremental),
        onlyFullRefresh: Number(row?.only_full_refresh),
        comparedFrom,
      });
    }
    return comparisons;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The UTC date of the newest cutoff that pruned rows, or undefined when nothing was ever pruned. */
async function newestPruneCutoff(connection: DuckDBConnection): Promise<string | undefined> {
  const result = await connection.runAndReadAll(
    `select strftime(max(cutoff) at time zone 'UTC', '%Y-%m-%d') as cutoff
     from incremental._rebar.retention_prunes where rows_pruned > 0`,
  );
  const cutoff = result.getRowObjectsJS()[0]?.cutoff;
  return typeof cutoff === 'string' ? cutoff : undefined;
}
