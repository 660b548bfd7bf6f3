import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'vitest';
import { dbtProjectCopy } from '../support/dbtProjectCopy.js';
import { projectRoot } from '../support/projectRoot.js';

const run = promisify(execFile);
const python = join(projectRoot, '.venv-fakesnow', 'bin', 'python');
const gate = join(projectRoot, 'scripts', 'snowflake_compat.py');

async function runGate(projectDir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(python, [gate, '--no-statements', '--project-dir', projectDir], {
      cwd: projectRoot,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

test('the Snowflake gate passes the project as it is and fails a model that calls DuckDB-only functions', async () => {
  const project = dbtProjectCopy('rebar-gate-');
  const clean = await runGate(project);
  assert.equal(clean.code, 0, clean.output);
  assert.match(clean.output, /snowflake gate passed: \d{3,} compiled dbt nodes/);

  // A mart edited the way a DuckDB-first analyst would: both functions run on the dev target.
  const model = join(project, 'models', 'marts', 'core', 'dim_user.sql');
  const edited = readFileSync(model, 'utf8').replace(
    '        user_snapshots.*,',
    "        user_snapshots.*,\n        epoch_ms(user_snapshots.dbt_updated_at) as updated_epoch_ms,\n        regexp_extract(user_snapshots.email, '@(.*)', 1) as email_domain,",
  );
  assert.notEqual(edited, readFileSync(model, 'utf8'), 'the planted columns went in');
  writeFileSync(model, edited);
  const planted = await runGate(project);
  assert.equal(planted.code, 1, planted.output);
  assert.match(planted.output, /dim_user\.sql: calls epoch_ms\(\), a DuckDB function Snowflake does not have/);
  assert.match(planted.output, /dim_user\.sql: calls regexp_extract\(\), a DuckDB function Snowflake does not have/);
  assert.match(planted.output, /snowflake gate FAILED: .* 2 problem\(s\)/);
});
