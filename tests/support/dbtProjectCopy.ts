import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './projectRoot.js';

const PROJECT_PARTS = [
  'dbt_project.yml',
  'profiles.yml',
  'models',
  'macros',
  'seeds',
  'snapshots',
  'analyses',
  'data-tests',
];

/**
 * A private copy of this repository's dbt project, for a test that edits a model or a seed: test
 * files run side by side, and an edit in the repository would reach another file's build.
 */
export function dbtProjectCopy(prefix = 'rebar-project-'): string {
  const dir = join(mkdtempSync(join(tmpdir(), prefix)), 'project');
  for (const part of PROJECT_PARTS) cpSync(join(projectRoot, part), join(dir, part), { recursive: true });
  return dir;
}
