import assert from 'node:assert/strict';
import { test } from 'vitest';
import { nightlyBuildScope, type PreviousBuild } from '../../orchestration/src/runs/dbtBuildScope.js';

const built: PreviousBuild = { projectFingerprint: 'abc', lastRunFailed: false };

test('a nightly builds only what its changed tables feed, in whichever source declares them', () => {
  assert.deepEqual(nightlyBuildScope(['haul_offs', 'crew_checkins'], 'abc', built), {
    scope: 'changed',
    reason: 'only what crew_checkins, haul_offs feed (no other source table changed)',
    select: 'source:*.crew_checkins+ source:*.haul_offs+',
    excludeResourceTypes: ['unit_test'],
    projectFingerprint: 'abc',
  });
});

test('nothing changed: no build at all', () => {
  assert.equal(nightlyBuildScope([], 'abc', built).scope, 'skipped');
});

test('the whole project on the first build, after a project change, after a failed run, or for a table dbt cannot select by name', () => {
  const reason = (changed: string[], fingerprint: string, previous: PreviousBuild) => {
    const scope = nightlyBuildScope(changed, fingerprint, previous);
    assert.equal(scope.scope, 'full');
    assert.equal(scope.select, undefined);
    assert.equal(scope.projectFingerprint, fingerprint, 'a full build records the project it built');
    return scope.reason;
  };
  assert.match(
    reason([], 'abc', { projectFingerprint: undefined, lastRunFailed: false }),
    /no earlier successful build/,
  );
  assert.match(reason([], 'def', built), /the dbt project changed since the last successful build/);
  assert.match(reason([], 'abc', { ...built, lastRunFailed: true }), /the last run did not succeed/);
  assert.match(reason(['odd.name'], 'abc', built), /cannot name odd\.name/);
});
