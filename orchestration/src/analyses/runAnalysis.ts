import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcessEnv, type RebarConfig } from '../config/config.js';
import { runDbt } from '../dbt/runDbt.js';
import { compiledAnalysis } from './compiledAnalyses.js';
import { databaseNameOf, withReadOnlyWarehouse } from '../warehouse/duckdb/readOnlyWarehouse.js';
import { UserError } from '../errors/userError.js';

/** A question Rebar cannot answer as asked (unknown analysis, no warehouse yet, a compile error): the message says why. */
export class AnalysisError extends UserError {}

export interface RunAnalysisInput {
  config: RebarConfig;
  /** File name in analyses/, without .sql. */
  name: string;
  /** dbt vars, e.g. { status_date: '2026-06-30' }. */
  vars: Record<string, string>;
  /** The DuckDB file to answer from (default: the published warehouse). */
  warehousePath?: string;
  /** Told why dbt compiles the analyses this time (none compiled yet for this project and these vars); silent when they were. */
  onCompile?: (reason: string) => void;
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
 * Runs one dbt analysis read-only against a warehouse file. Its SQL comes from the compiled analyses
 * (analyses/compiledAnalyses.ts): dbt compiles every analysis once per state of the project and vars,
 * not once per question. dbt compiles against an empty scratch DuckDB file, so neither the working
 * warehouse (the loader's lock) nor the published one (open in BI tools) is touched; the published
 * file is then attached under the compiled database name.
 */
export async function runAnalysis(input: RunAnalysisInput): Promise<RunAnalysisOutput> {
  const { config } = input;
  const available = listAnalyses(config.dbtProjectDir);
  if (!available.includes(input.name)) {
    throw new AnalysisError(`No analysis named "${input.name}" in analyses/. Available: ${available.join(', ')}.`);
  }
  const warehousePath = input.warehousePath ?? config.publishedPath;
  if (!existsSync(warehousePath)) {
    throw new AnalysisError(
      `No warehouse at ${warehousePath}: run \`rebar nightly\` first (it builds and publishes the marts).`,
    );
  }
  // dbt names relations <database>.<schema>.<table>: compiled against a scratch file named like the
  // warehouse file, the SQL also runs as it is in Metabase or any client that opened that file.
  const database = databaseNameOf(warehousePath);
  const sql = await compiledAnalysis({
    config,
    name: input.name,
    names: available,
    vars: input.vars,
    database,
    compile: compileAnalyses,
    onCompile: input.onCompile,
  });
  return withReadOnlyWarehouse(warehousePath, async (connection) => {
    const result = await connection.runAndReadAll(sql);
    return { sql, columns: result.columnNames(), rows: result.getRowObjectsJson() as Record<string, unknown>[] };
  });
}

/** Several analyses compiled by one dbt invocation (one project parse): name -> SQL. */
export async function compileAnalyses(
  config: RebarConfig,
  names: string[],
  vars: Record<string, string>,
  database: string,
): Promise<Map<string, string>> {
  const scratch = mkdtempSync(join(tmpdir(), 'rebar-analysis-'));
  try {
    const targetPath = join(scratch, 'target');
    const result = await runDbt({
      dbtBin: config.dbtBin,
      projectDir: config.dbtProjectDir,
      args: [
        'compile',
        '--select',
        ...names.map((name) => `path:analyses/${name}.sql`),
        '--vars',
        JSON.stringify(vars),
      ],
      env: { ...childProcessEnv(), REBAR_WAREHOUSE_PATH: join(scratch, `${database}.duckdb`) },
      targetPath,
    });
    const which = names.length === 1 ? `analyses/${names[0]}.sql` : 'the analyses';
    if (result.exitCode !== 0)
      throw new AnalysisError(`dbt could not compile ${which}: ${result.errors.join('; ') || 'see dbt output'}`);
    return new Map(
      names.map((name) => [
        name,
        readFileSync(join(targetPath, 'compiled', 'rebar', 'analyses', `${name}.sql`), 'utf8'),
      ]),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
