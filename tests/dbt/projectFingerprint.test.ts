import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { projectFingerprint } from '../../orchestration/src/dbt/projectFingerprint.js';

/** A dbt project with one model and one singular test in `testFolder`, as dbt_project.yml says (or dbt's default). */
function project(dbtProjectYml: string, testFolder: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-fingerprint-'));
  writeFileSync(join(dir, 'dbt_project.yml'), dbtProjectYml);
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'orders.sql'), 'select 1 as order_id\n');
  mkdirSync(join(dir, testFolder));
  writeFileSync(join(dir, testFolder, 'assert_no_orders.sql'), 'select * from {{ ref("orders") }} where false\n');
  return dir;
}

test('a changed singular test changes the fingerprint, in the folder test-paths names or in dbt default tests/', () => {
  for (const [yml, folder] of [
    ['name: shop\ntest-paths: ["data-tests"]\n', 'data-tests'],
    ['name: shop\n', 'tests'],
  ] as const) {
    const dir = project(yml, folder);
    const before = projectFingerprint(dir);
    assert.equal(projectFingerprint(dir), before, 'the same project, the same fingerprint');
    writeFileSync(join(dir, folder, 'assert_no_orders.sql'), 'select * from {{ ref("orders") }} where order_id < 0\n');
    assert.notEqual(projectFingerprint(dir), before, `a change in ${folder}/ is a change of the project`);
  }
});

test('a folder test-paths does not name is not part of the project', () => {
  const dir = project('name: shop\ntest-paths: ["data-tests"]\n', 'data-tests');
  const before = projectFingerprint(dir);
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'tests', 'notes.sql'), 'not dbt\n');
  assert.equal(projectFingerprint(dir), before);
});
