import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './projectRoot.js';

/**
 * A dbt project of a few files in a temp folder, as a user (or `rebar init`) writes one: its own
 * dbt_project.yml, the repo's profiles.yml (profile `rebar`: dev is the DuckDB file), and the given
 * models and schema files (path under models/ -> content).
 */
export function writeTinyDbtProject(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `rebar-dbt-${name}-`));
  writeFileSync(
    join(dir, 'dbt_project.yml'),
    `name: ${name}\nversion: '1.0'\nprofile: rebar\nmodels:\n  ${name}:\n    +materialized: table\n`,
  );
  copyFileSync(join(projectRoot, 'profiles.yml'), join(dir, 'profiles.yml'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, 'models', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'models', path), content);
  }
  return dir;
}
