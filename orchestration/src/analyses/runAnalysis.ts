import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcessEnv, type RebarConfig } from '../config/config.js';
import { runDbt } from '../dbt/runDbt.js';
import { databaseNameOf, withReadOnlyWarehouse } from '../load/duckdb/readOnlyWarehouse.js';

/** A question Rebar cannot answer as asked (unknown analysis, no warehouse yet, a compile error): the message says why. */
export class AnalysisError extends Error {}

export interface RunAnalysisInput {
  config: RebarConfig;
  /** File name in analyses/, without .sql. */
  name: string;
  /** dbt vars, e.g. { status_date: '2026-06-30' }. */
  vars: Record<string, string>;
  /** The DuckDB file to answer from (default: the published warehouse). */
  warehousePath?: string;
}

export interface RunAnalysisOutput {
  sql: string;
  columns: string[];
  rows: Record<string, unknown>[];
}

export function listAnalyses(projectDir: string): string[] {
  return readdirSync(join(projectDir, 'analyses'))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -4))
    .sort();
}

/**
 * Compiles one dbt analysis and runs it read-only against a warehouse file. dbt compiles against an
 * empty scratch DuckDB file, so neither the working warehouse (the loader's lock) nor the published
 * one (open in BI tools) is touched; the published file is then attached under the compiled
 * database name.
 */
export async function runAnalysis(input: RunAnalysisInput): Promise<RunAnalysisOutput> {
  const { config } = input;
  const available = listAnalyses(config.dbtProjectDir);
  if (!available.includes(input.name)) {
    throw new AnalysisError(`No analysis named "${input.name}" in analyses/. Available: ${available.join(', ')}.`);
  }
  const warehousePath = input.warehousePath ?? config.publishedPath;
  if (!existsSync(warehousePath)) {
    throw new AnalysisError(`No warehouse at ${warehousePath}: run \`rebar nightly\` first (it builds and publishes the marts).`);
  }
  // dbt names relations <database>.<schema>.<table>: compiled against a scratch file named like the
  // warehouse file, the SQL also runs as it is in Metabase or any client that opened that file.
  const database = databaseNameOf(warehousePath);
  const sql = await compileAnalysis(config, input.name, input.vars, database);
  return withReadOnlyWarehouse(warehousePath, async (connection) => {
    const result = await connection.runAndReadAll(sql);
    return { sql, columns: result.columnNames(), rows: result.getRowObjectsJson() as Record<string, unknown>[] };
  });
}

/** The analysis' SQL, compiled for a warehouse file whose database is named `database`. */
async function compileAnalysis(config: RebarConfig, name: string, vars: Record<string, string>, database: string): Promise<string> {
  const compiled = await compileAnalyses(config, [name], vars, database);
  return compiled.get(name) ?? '';
}

/** Several analyses compiled by one dbt invocation (one project parse): name -> SQL. */
export async function compileAnalyses(config: RebarConfig, names: string[], vars: Record<string, string>, database: string): Promise<Map<string, string>> {
  const scratch = mkdtempSync(join(tmpdir(), 'rebar-analysis-'));
  try {
    const targetPath = join(scratch, 'target');
    const result = await runDbt({
      dbtBin: config.dbtBin,
      projectDir: config.dbtProjectDir,
      args: ['compile', '--select', ...names.map((name) => `path:analyses/${name}.sql`), '--vars', JSON.stringify(vars)],
      env: { ...childProcessEnv(), REBAR_WAREHOUSE_PATH: join(scratch, `${database}.duckdb`) },
      targetPath,
    });
    const which = names.length === 1 ? `analyses/${names[0]}.sql` : 'the analyses';
    if (result.exitCode !== 0) throw new AnalysisError(`dbt could not compile ${which}: ${result.errors.join('; ') || 'see dbt output'}`);
    return new Map(names.map((name) => [name, readFileSync(join(targetPath, 'compiled', 'rebar', 'analyses', `${name}.sql`), 'utf8')]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
