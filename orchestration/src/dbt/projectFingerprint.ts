import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/**
 * What makes up a dbt project's build: a change to any of these can change what a model, seed,
 * snapshot or test produces, so the next nightly builds the whole project again. The folders are the
 * ones dbt_project.yml names (`model-paths`, `test-paths`, …), dbt's defaults where it names none:
 * Rebar's own project keeps its singular tests in data-tests/, since tests/ holds the vitest suite.
 */
const DEFAULT_FOLDERS: Record<string, string[]> = {
  'model-paths': ['models'],
  'macro-paths': ['macros'],
  'seed-paths': ['seeds'],
  'snapshot-paths': ['snapshots'],
  'analysis-paths': ['analyses'],
  'test-paths': ['tests'],
};
const PROJECT_FILES = ['dbt_project.yml', 'packages.yml', 'dependencies.yml', 'package-lock.yml', 'selectors.yml'];
/** dbt reads only these from the folders above. */
const DBT_FILE = /\.(sql|yml|yaml|csv|py|md)$/;

/** A SHA-256 over the path and content of every file dbt reads from the project: equal fingerprints, equal project. */
export function projectFingerprint(projectDir: string): string {
  const files = [
    ...PROJECT_FILES.map((file) => join(projectDir, file)).filter((path) => existsSync(path)),
    ...projectFolders(projectDir)
      .flatMap((folder) => filesUnder(join(projectDir, folder)))
      .filter((path) => DBT_FILE.test(path)),
  ];
  const hash = createHash('sha256');
  for (const path of files.map((file) => relative(projectDir, file)).sort()) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(projectDir, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The folders dbt reads, as dbt_project.yml sets them; an unreadable file leaves dbt's defaults (dbt itself will say what is wrong). */
function projectFolders(projectDir: string): string[] {
  let settings: Record<string, unknown> = {};
  try {
    const parsed: unknown = parse(readFileSync(join(projectDir, 'dbt_project.yml'), 'utf8'));
    if (parsed && typeof parsed === 'object') settings = parsed as Record<string, unknown>;
  } catch {
    // No or unparsable dbt_project.yml: dbt's defaults.
  }
  return Object.entries(DEFAULT_FOLDERS).flatMap(([key, defaults]) => {
    const value = settings[key];
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : defaults;
  });
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}
