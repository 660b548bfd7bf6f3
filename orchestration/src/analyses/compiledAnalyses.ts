import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RebarConfig } from '../config/config.js';
import { projectFingerprint } from '../dbt/projectFingerprint.js';

export interface CompiledAnalysisInput {
  config: RebarConfig;
  /** The analysis asked for. */
  name: string;
  /** Every analysis of the project: compiled together on a miss, by one dbt invocation. */
  names: string[];
  vars: Record<string, string>;
  /** The warehouse file's catalog name, which the compiled SQL names its relations with. */
  database: string;
  compile: (
    config: RebarConfig,
    names: string[],
    vars: Record<string, string>,
    database: string,
  ) => Promise<Map<string, string>>;
  onCompile?: (reason: string) => void;
}

/**
 * An analysis' compiled SQL, from the state folder when dbt compiled it for this very project (its
 * fingerprint: models, macros, analyses, dbt_project.yml ...), these vars and this catalog name;
 * otherwise dbt compiles every analysis at once (one parse) and keeps them for the next question.
 * A project that changed since is compiled again: stale SQL is never run.
 */
export async function compiledAnalysis(input: CompiledAnalysisInput): Promise<string> {
  const fingerprint = projectFingerprint(input.config.dbtProjectDir);
  const folder = join(
    input.config.stateDir,
    'compiled-analyses',
    fingerprint,
    compilationKey(input.vars, input.database),
  );
  const path = join(folder, `${input.name}.sql`);
  if (existsSync(path)) return readFileSync(path, 'utf8');

  const projectSeen = existsSync(join(input.config.stateDir, 'compiled-analyses', fingerprint));
  input.onCompile?.(
    projectSeen
      ? 'compiling the analyses with these vars (once; later questions reuse them)'
      : 'compiling the analyses for this state of the dbt project (once per project change; later questions reuse them)',
  );
  let compiled: Map<string, string>;
  try {
    compiled = await input.compile(input.config, input.names, input.vars, input.database);
  } catch {
    // Another analysis may need a var this question does not give: compile the one asked (its error is the one to show).
    compiled = await input.compile(input.config, [input.name], input.vars, input.database);
  }
  // Analyses compiled for an older state of the project are never used again.
  const root = join(input.config.stateDir, 'compiled-analyses');
  for (const older of existsSync(root) ? readdirSync(root).filter((entry) => entry !== fingerprint) : [])
    rmSync(join(root, older), { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [name, sql] of compiled) {
    const partial = join(folder, `${name}.sql.${process.pid}.tmp`);
    writeFileSync(partial, sql);
    renameSync(partial, join(folder, `${name}.sql`));
  }
  return compiled.get(input.name) ?? '';
}

/** Vars (in name order) and the catalog name, as a folder name. */
function compilationKey(vars: Record<string, string>, database: string): string {
  const ordered = Object.keys(vars)
    .sort()
    .map((name) => [name, vars[name]]);
  return createHash('sha256')
    .update(JSON.stringify({ vars: ordered, database }))
    .digest('hex')
    .slice(0, 16);
}
