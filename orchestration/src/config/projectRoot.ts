import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Rebar's package.json: SQL, dbt project and .venv are found relative to it. */
export function findProjectRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dbt_project.yml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`Cannot find the Rebar project root (package.json + dbt_project.yml) above ${start}`);
    dir = parent;
  }
}
