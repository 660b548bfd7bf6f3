import assert from 'node:assert/strict';
import { test } from 'vitest';
import { extractStartOrder } from '../../orchestration/src/runs/extractStartOrder.js';
import { inConfiguredOrder } from '../../orchestration/src/temporal/workflows/configuredOrder.js';

const configured = ['companies', 'projects', 'crew_checkins', 'platform_events', 'haul_offs', 'new_table'].map(
  (name) => ({ name, mode: 'incremental' }),
);
const names = (tables: { name: string }[]) => tables.map((table) => table.name);

test('tables never loaded start first in configured order, then the longest last load first; equal durations keep configured order', () => {
  const ordered = extractStartOrder(configured, [
    { table: 'companies', durationMs: 1_200 },
    { table: 'projects', durationMs: 1_200 },
    { table: 'crew_checkins', durationMs: 2_500 },
    { table: 'platform_events', durationMs: 5_000 },
    { table: 'haul_offs', durationMs: 900 },
    { table: 'dropped_from_config', durationMs: 99_000 },
  ]);
  assert.deepEqual(names(ordered), [
    'new_table',
    'platform_events',
    'crew_checkins',
    'companies',
    'projects',
    'haul_offs',
  ]);
  // The same objects, settings untouched, and the input left as it was.
  assert.equal(ordered[0], configured[5]);
  assert.deepEqual(names(configured), [
    'companies',
    'projects',
    'crew_checkins',
    'platform_events',
    'haul_offs',
    'new_table',
  ]);
});

test('a first run (no durations recorded) keeps the configured order', () => {
  assert.deepEqual(names(extractStartOrder(configured, [])), names(configured));
});

test('results started in plan order are reported in configured order; without an order (older plans) they stay as they came', () => {
  const started = [{ table: 'platform_events' }, { table: 'companies' }, { table: 'haul_offs' }];
  const order = ['companies', 'platform_events', 'haul_offs'];
  assert.deepEqual(
    inConfiguredOrder(started, (result) => result.table, order).map((result) => result.table),
    order,
  );
  assert.deepEqual(
    inConfiguredOrder(started, (result) => result.table, undefined),
    started,
  );
});
