import type { RebarFile } from '../extract/tablesConfig.js';

/** The dbt project a worker builds, or why it builds none (its runs are then extract-only). */
export type DbtProjectChoice = { projectDir: string } | { projectDir: undefined; why: string };

/** The project a tables config file names (dbt: project_dir), or none. */
export function dbtProjectOf(file: Pick<RebarFile, 'path' | 'dbtProjectDir'>): DbtProjectChoice {
  return file.dbtProjectDir ? { projectDir: file.dbtProjectDir } : { projectDir: undefined, why: `no dbt project configured in ${file.path}` };
}
