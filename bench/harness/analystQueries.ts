import { compileAnalyses, listAnalyses } from '../../orchestration/src/analyses/runAnalysis.js';
import type { RebarConfig } from '../../orchestration/src/config/config.js';
import { databaseNameOf, withReadOnlyWarehouse } from '../../orchestration/src/warehouse/duckdb/readOnlyWarehouse.js';

export interface AnalystQueryTiming {
  analysis: string;
  rows: number;
  /** First run in a freshly opened DuckDB (nothing cached). */
  coldSeconds: number;
  /** The same query run again on that connection. */
  warmSeconds: number;
}

/**
 * Every business question in analyses/, compiled by dbt as `rebar analysis` compiles it, then timed
 * against the published warehouse the way an analyst runs it: a new read-only DuckDB session.
 */
export async function timeAnalystQueries(config: RebarConfig, statusDate: string): Promise<AnalystQueryTiming[]> {
  const database = databaseNameOf(config.publishedPath);
  const timings: AnalystQueryTiming[] = [];
  const names = listAnalyses(config.dbtProjectDir);
  const compiled = await compileAnalyses(config, names, { status_date: statusDate }, database);
  for (const name of names) {
    const sql = compiled.get(name) ?? '';
    await withReadOnlyWarehouse(config.publishedPath, async (connection) => {
      const timed = async () => {
        const started = process.hrtime.bigint();
        const result = await connection.runAndReadAll(sql);
        return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: result.currentRowCount };
      };
      const cold = await timed();
      const warm = await timed();
      timings.push({ analysis: name, rows: cold.rows, coldSeconds: cold.seconds, warmSeconds: warm.seconds });
    });
  }
  return timings;
}
