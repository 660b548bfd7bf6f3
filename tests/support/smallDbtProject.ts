import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../orchestration/src/config/config.js';
import type { DemoState } from './demoState.js';
import { projectRoot } from './projectRoot.js';

/** The demo rebar.yml's line naming its dbt project: the one line the copy changes. */
const DEMO_PROJECT_LINE = 'dbt: { project_dir: . }';

/**
 * A copy of the demo's rebar.yml (same tables, same demo source) naming tests/fixtures/smallDbtProject
 * instead of the demo's 694-node dbt project, for tests that run many nightlies to prove orchestration,
 * not the demo's models. The project is copied beside the file: dbt writes logs/ into its project
 * folder, and test files run side by side. Returns the tables config's path.
 */
export function smallProjectTablesConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-small-project-'));
  cpSync(join(projectRoot, 'tests', 'fixtures', 'smallDbtProject'), join(dir, 'project'), { recursive: true });
  cpSync(join(projectRoot, 'profiles.yml'), join(dir, 'project', 'profiles.yml'));
  const demo = readFileSync(join(projectRoot, 'rebar.yml'), 'utf8');
  assert.equal(
    demo.split(DEMO_PROJECT_LINE).length,
    2,
    `rebar.yml no longer has the line "${DEMO_PROJECT_LINE}" once: update tests/support/smallDbtProject.ts`,
  );
  const file = join(dir, 'rebar.yml');
  writeFileSync(file, demo.replace(DEMO_PROJECT_LINE, 'dbt: { project_dir: project }'));
  return file;
}

/** A demo state folder (demo Postgres, DuckDB files) whose nightlies build the small dbt project. */
export function newSmallProjectDemoState(): DemoState {
  const env = {
    REBAR_STATE_DIR: mkdtempSync(join(tmpdir(), 'rebar-demo-small-')),
    REBAR_TABLES_CONFIG: smallProjectTablesConfig(),
    REBAR_LOG_LEVEL: 'warn',
  };
  return { env, config: loadConfig(env) };
}
