import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RebarFile, TablesConfigError } from '../kernel/tablesConfig.js';

/** The dbt project a worker builds, or why it builds none (its runs are then extract-only). */
export type DbtProjectChoice = { projectDir: string } | { projectDir: undefined; why: string };

/** The project a tables config file names (dbt: project_dir), or none; a folder without dbt_project.yml is refused by name. */
export function dbtProjectOf(file: Pick<RebarFile, 'path' | 'dbtProjectDir'>): DbtProjectChoice {
  if (!file.dbtProjectDir) return { projectDir: undefined, why: `no dbt project configured in ${file.path}` };
  if (!existsSync(join(file.dbtProjectDir, 'dbt_project.yml'))) {
    throw new TablesConfigError(
      `${file.path}: dbt.project_dir points at ${file.dbtProjectDir}, which holds no dbt_project.yml: fix project_dir (relative to this file), or remove the dbt: section to run extract-only`,
    );
  }
  return { projectDir: file.dbtProjectDir };
}
