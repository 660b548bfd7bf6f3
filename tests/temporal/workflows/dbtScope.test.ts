import assert from 'node:assert/strict';
import { test } from 'vitest';
import { dbtScope } from '../../../orchestration/src/temporal/workflows/dbtScope.js';

test('a nightly builds the selector given or everything; --full-refresh is passed on', () => {
  assert.deepEqual(dbtScope({ backfill: false }, ['crew_checkins']), { select: undefined });
  assert.deepEqual(dbtScope({ backfill: false, select: 'marts', fullRefresh: true }, []), {
    select: 'marts',
    fullRefresh: true,
  });
});

test('a backfill builds what its re-read tables feed unless a selector is given', () => {
  assert.deepEqual(dbtScope({ backfill: true }, ['crew_checkins', 'haul_offs']), {
    select: 'source:rebar_source.crew_checkins+ source:rebar_source.haul_offs+',
  });
  assert.deepEqual(dbtScope({ backfill: true, select: 'fct_crew_checkins+', fullRefresh: true }, ['crew_checkins']), {
    select: 'fct_crew_checkins+',
    fullRefresh: true,
  });
});

test('a plain nightly hands the activity the tables it changed; --select or --full-refresh build as asked', () => {
  assert.deepEqual(dbtScope({ backfill: false }, ['crew_checkins', 'haul_offs'], ['haul_offs']), {
    changedTables: ['haul_offs'],
  });
  assert.deepEqual(dbtScope({ backfill: false }, ['crew_checkins'], []), { changedTables: [] });
  assert.deepEqual(dbtScope({ backfill: false, select: 'marts' }, [], ['haul_offs']), { select: 'marts' });
  assert.deepEqual(dbtScope({ backfill: false, fullRefresh: true }, [], ['haul_offs']), {
    select: undefined,
    fullRefresh: true,
  });
});
