import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What makes up a dbt project's build: a change to any of these can change what a model, seed,
 * snapshot or test produces, so the next nightly builds the whole project again. The folders are
 * dbt's defaults, which Rebar's project and every project `rebar init` writes use.
 */
const PROJECT_FOLDERS = ['models', 'macros', 'seeds', 'snapshots', 'analyses', 'tests'];
const PROJECT_FILES = ['dbt_project.yml', 'packages.yml', 'dependencies.yml', 'package-lock.yml', 'selectors.yml'];
/** dbt reads only these from the folders above (the repository's own tests/ also holds TypeScript, which dbt ignores). */
const DBT_FILE = /\.(sql|yml|yaml|csv|py|md)$/;

/** A SHA-256 over the path and content of every file dbt reads from the project: equal fingerprints, equal project. */
export function projectFingerprint(projectDir: string): string {
  const files = [
    ...PROJECT_FILES.map((file) => join(projectDir, file)).filter((path) => existsSync(path)),
    ...PROJECT_FOLDERS.flatMap((folder) => filesUnder(join(projectDir, folder))).filter((path) => DBT_FILE.test(path)),
  ];
  const hash = createHash('sha256');
  for (const path of files.map((file) => relative(projectDir, file)).sort()) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(projectDir, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}
