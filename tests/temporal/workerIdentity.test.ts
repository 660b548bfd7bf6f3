import assert from 'node:assert/strict';
import { test } from 'vitest';
import { conflictingWorkers, workerIdentity } from '../../orchestration/src/temporal/workerIdentity.js';

const now = new Date('2026-12-01T02:00:00Z');
const seconds = (n: number) => new Date(now.getTime() - n * 1000);
const ours = { pid: 100, host: 'node-a' };

test('a DuckDB worker conflicts with any other live poller; a Snowflake one only with a DuckDB one', () => {
  const pollers = [
    { identity: workerIdentity('snowflake', 200, 'node-b'), lastAccessTime: seconds(5) },
    { identity: workerIdentity('duckdb', 300, 'node-c'), lastAccessTime: seconds(30) },
  ];
  assert.deepEqual(
    conflictingWorkers({ ours: { ...ours, target: 'duckdb' }, pollers, now, isRunningHere: () => true }),
    ['200@node-b rebar/snowflake', '300@node-c rebar/duckdb'],
  );
  assert.deepEqual(
    conflictingWorkers({ ours: { ...ours, target: 'snowflake' }, pollers, now, isRunningHere: () => true }),
    ['300@node-c rebar/duckdb'],
  );
});

test('itself, pollers silent for over 90 s and dead processes on this host do not count', () => {
  const pollers = [
    { identity: workerIdentity('duckdb', 100, 'node-a'), lastAccessTime: seconds(1) },
    { identity: workerIdentity('duckdb', 400, 'node-d'), lastAccessTime: seconds(120) },
    { identity: workerIdentity('duckdb', 500, 'node-a'), lastAccessTime: seconds(2) },
    // Another program's worker on the queue (no rebar/ suffix): a DuckDB worker still refuses it.
    { identity: '600@node-e', lastAccessTime: seconds(3) },
  ];
  assert.deepEqual(
    conflictingWorkers({
      ours: { ...ours, target: 'duckdb' },
      pollers,
      now,
      isRunningHere: (pid) => pid !== 500,
    }),
    ['600@node-e'],
  );
});
