import assert from 'node:assert/strict';
import { test } from 'vitest';
import { runTrigger } from '../../orchestration/src/temporal/runLogInterceptor.js';

test("a run's trigger is read from the workflow ids Rebar gives: the CLI's, a schedule's, anyone else's", () => {
  assert.equal(runTrigger('rebar-nightly-manual-2026-11-30T04-34-22-382Z'), 'triggered from the CLI');
  assert.equal(runTrigger('rebar-backfill-2026-11-30T04-34-22-382Z'), 'triggered from the CLI');
  assert.equal(runTrigger('rebar-nightly-run-2026-11-30T08:00:00Z'), 'schedule rebar-nightly');
  assert.equal(runTrigger('my-own-id'), 'started by a Temporal client');
});
