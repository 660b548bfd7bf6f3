import assert from 'node:assert/strict';
import { test } from 'vitest';
import { progressStep } from '../../orchestration/src/cli/progressReporter.js';
import type { RunProgress } from '../../orchestration/src/runs/runProgress.js';

const extracted: RunProgress = {
  phase: 'extracting',
  startedAt: '2026-11-30T02:00:00.000Z',
  kind: 'nightly',
  tablesTotal: 15,
  tablesDone: 15,
  tablesFailed: 0,
  rowsExtracted: 12345,
};

test('the bar counts tables while extracting, dbt nodes while dbt builds, and past the build shows the phase without a table count', () => {
  assert.deepEqual(progressStep(extracted), { done: 15, total: 15, text: '15/15 tables | 12,345 rows extracted' });
  assert.deepEqual(progressStep({ ...extracted, phase: 'building' }), { done: 0, total: 1, text: 'dbt: starting' });
  assert.deepEqual(progressStep({ ...extracted, phase: 'building', dbtNodesDone: 37, dbtNodesTotal: 120 }), {
    done: 37,
    total: 120,
    text: 'dbt: 37/120 nodes',
  });
  assert.deepEqual(progressStep({ ...extracted, phase: 'checking the publish gate' }), {
    done: 0,
    total: 1,
    text: '12,345 rows extracted',
  });
  assert.deepEqual(progressStep({ ...extracted, phase: 'done' }), { done: 1, total: 1, text: '12,345 rows extracted' });
});
