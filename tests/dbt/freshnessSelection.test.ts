import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import {
  clearFreshnessSelection,
  freshnessCheckedByBuild,
  recordFreshnessSelection,
} from '../../orchestration/src/dbt/freshnessAfterBuild.js';

// The freshness activity takes the build's check only for exactly the tables it is asked about.
const checkedAt = new Date('2026-11-30T06:00:00Z');

test("the build's freshness check is taken for the same tables in any order, never for others", () => {
  const target = mkdtempSync(join(tmpdir(), 'rebar-freshness-selection-'));
  recordFreshnessSelection(target, ['orders', 'crews'], checkedAt);
  assert.equal(freshnessCheckedByBuild(target, ['orders']), undefined, 'no sources.json, nothing recorded');

  writeFileSync(join(target, 'sources.json'), '{"results": []}');
  recordFreshnessSelection(target, ['orders', 'crews'], checkedAt);
  assert.equal(freshnessCheckedByBuild(target, ['crews', 'orders']), checkedAt.toISOString());
  assert.equal(freshnessCheckedByBuild(target, ['orders']), undefined);
  assert.equal(freshnessCheckedByBuild(target, undefined), undefined, 'every source was not checked');

  recordFreshnessSelection(target, undefined, checkedAt);
  assert.equal(freshnessCheckedByBuild(target, undefined), checkedAt.toISOString());
  assert.equal(freshnessCheckedByBuild(target, ['orders']), undefined);

  clearFreshnessSelection(target);
  assert.equal(freshnessCheckedByBuild(target, undefined), undefined, "an earlier attempt's check is forgotten");
});
