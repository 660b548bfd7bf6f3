import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { childProcessEnv, type RebarConfig } from '../config/config.js';
import { runDbt } from './runDbt.js';
import { UserError } from '../errors/userError.js';

/** Docs Rebar cannot generate as asked (no published file, no dbt project, dbt failed): the message says why. */
export class DocsError extends UserError {}

export interface GenerateDocsInput {
  config: RebarConfig;
  /** The dbt project the runs build (the tables config's dbt: project_dir). */
  projectDir: string;
  /** Where the site goes: index.html, static_index.html, manifest.json, catalog.json. */
  outputDir: string;
}

export interface GenerateDocsOutput {
  outputDir: string;
  /** One self-contained HTML file (dbt docs generate --static): opens in a browser without a server. */
  staticPage: string;
}

/**
 * `dbt docs generate` for what readers open: the published file, not the working warehouse. DuckDB
 * names a file's catalog after the file, so docs generated against warehouse.duckdb name every
 * relation "warehouse"."marts"."…", which fails in analytics.duckdb. dbt runs here against a copy
 * of the published file that keeps its name (so its catalog is the published one's), in a scratch
 * folder: the published file itself is never opened for writing, and readers are never blocked.
 */
export async function generateDocs(input: GenerateDocsInput): Promise<GenerateDocsOutput> {
  const { config } = input;
  if (config.target !== 'duckdb')
    throw new DocsError(
      'rebar docs generates docs for the published DuckDB file; on Snowflake run `dbt docs generate --target prod` in the dbt project.',
    );
  if (!existsSync(config.publishedPath))
    throw new DocsError(
      `No published warehouse at ${config.publishedPath}: run \`rebar nightly\` first (the docs describe what it published).`,
    );
  const scratch = mkdtempSync(join(tmpdir(), 'rebar-docs-'));
  try {
    const copy = join(scratch, basename(config.publishedPath));
    copyFileSync(config.publishedPath, copy);
    const result = await runDbt({
      dbtBin: config.dbtBin,
      projectDir: input.projectDir,
      args: ['docs', 'generate', '--static'],
      env: { ...childProcessEnv(), REBAR_WAREHOUSE_PATH: copy },
      targetPath: input.outputDir,
    });
    if (result.exitCode !== 0)
      throw new DocsError(`dbt docs generate failed: ${result.errors.join('; ') || 'see dbt output'}`);
    return { outputDir: input.outputDir, staticPage: join(input.outputDir, 'static_index.html') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
