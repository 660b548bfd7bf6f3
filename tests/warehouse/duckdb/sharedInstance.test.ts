import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { test } from 'vitest';
import { findProjectRoot } from '../../../orchestration/src/config/projectRoot.js';
import {
  holdingOpen,
  isHeldOpen,
  takeTurn,
  withDuckDb,
} from '../../../orchestration/src/warehouse/duckdb/connection.js';

// Integration tier: it starts a second process to prove the file is free for dbt, publish and the CLI.
const run = promisify(execFile);
const TIMEOUT = 120_000;

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'rebar-shared-instance-')), 'warehouse.duckdb');

/** Opens the file read-write from another process, as dbt does: rejects while this process holds it. */
async function openFromAnotherProcess(path: string): Promise<void> {
  const script = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const instance = await DuckDBInstance.create(process.env.REBAR_TEST_FILE);
    const connection = await instance.connect();
    await connection.run('create table if not exists opened_elsewhere as select 1 as n');
    connection.closeSync();
    instance.closeSync();
  `;
  await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: findProjectRoot(),
    env: { ...process.env, REBAR_TEST_FILE: path },
  });
}

/** Databases attached to the instance (ATTACH is instance-wide: every connection of one instance sees them). */
async function attached(connection: DuckDBConnection): Promise<string[]> {
  const rows = await connection.runAndReadAll('select database_name from duckdb_databases() order by 1');
  return rows.getRowsJS().map((row) => String(row[0]));
}

test(
  'operations queued back to back share one instance, each with its own connection, and the file is released once the queue drains',
  async () => {
    const path = freshFile();
    const first = withDuckDb(path, async (connection) => {
      await connection.run("attach ':memory:' as marker_of_this_instance");
      await connection.run('create temp table scratch as select 1 as n');
      await connection.run('create table kept as select 42 as answer');
    });
    const second = withDuckDb(path, async (connection) => {
      const temps = await connection.runAndReadAll(
        "select count(*) from duckdb_tables() where temporary and table_name = 'scratch'",
      );
      return { databases: await attached(connection), tempTablesSeen: Number(temps.getRowsJS()[0]?.[0]) };
    });
    const third = withDuckDb(path, async (connection) => attached(connection));
    await first;
    const seen = await second;
    assert.ok(seen.databases.includes('marker_of_this_instance'), `second operation saw ${seen.databases.join(', ')}`);
    assert.equal(seen.tempTablesSeen, 0, "a temp table stays in its own operation's connection");
    assert.ok((await third).includes('marker_of_this_instance'));

    assert.equal(isHeldOpen(path), false);
    await openFromAnotherProcess(path);
    // A later operation opens a new instance: the marker is gone, the committed table and the other process's are there.
    const later = await withDuckDb(path, async (connection) => ({
      databases: await attached(connection),
      rows: (await connection.runAndReadAll('select answer, (select n from opened_elsewhere) from kept')).getRowsJS(),
    }));
    assert.ok(!later.databases.includes('marker_of_this_instance'));
    assert.deepEqual(later.rows, [[42, 1]]);
    assert.equal(isHeldOpen(path), false);
  },
  TIMEOUT,
);

test(
  'an operation that throws closes the instance: the file is free at once, and the next queued operation opens a fresh one',
  async () => {
    const path = freshFile();
    await assert.rejects(
      withDuckDb(path, async (connection) => {
        await connection.run('create table t as select 1 as n');
        await connection.run('select * from no_such_table');
      }),
      /no_such_table/,
    );
    assert.equal(isHeldOpen(path), false);
    await openFromAnotherProcess(path);

    const failing = withDuckDb(path, async (connection) => {
      await connection.run("attach ':memory:' as marker_of_failed_instance");
      throw new Error('planned failure');
    });
    const next = withDuckDb(path, async (connection) => ({
      databases: await attached(connection),
      rows: (await connection.runAndReadAll('select n from t')).getRowsJS(),
    }));
    await assert.rejects(failing, /planned failure/);
    const after = await next;
    assert.ok(!after.databases.includes('marker_of_failed_instance'), after.databases.join(', '));
    assert.deepEqual(after.rows, [[1]]);
    assert.equal(isHeldOpen(path), false);
    await openFromAnotherProcess(path);
  },
  TIMEOUT,
);

test(
  'a takeTurn queued behind operations (publish copying the file whole) runs with no instance of this process open',
  async () => {
    const path = freshFile();
    const before = withDuckDb(path, (connection) => connection.run('create table t as select 1 as n'));
    const whole = takeTurn(path, async () => {
      const heldDuring = isHeldOpen(path);
      await openFromAnotherProcess(path);
      return heldDuring;
    });
    const after = withDuckDb(path, async (connection) =>
      (await connection.runAndReadAll('select (select n from t), (select n from opened_elsewhere)')).getRowsJS(),
    );
    await before;
    assert.equal(await whole, false);
    assert.deepEqual(await after, [[1, 1]]);
    assert.equal(isHeldOpen(path), false);
  },
  TIMEOUT,
);

test(
  'holdingOpen keeps one instance across operations run one after another (a table’s chunks), then frees the file; a takeTurn inside still gets it closed',
  async () => {
    const path = freshFile();
    const seen = await holdingOpen(path, async () => {
      await withDuckDb(path, (connection) => connection.run("attach ':memory:' as marker_of_held_instance"));
      const openBetween = isHeldOpen(path);
      const databases = await withDuckDb(path, (connection) => attached(connection));
      const closedForTurn = await takeTurn(path, async () => !isHeldOpen(path));
      const afterTurn = await withDuckDb(path, (connection) => attached(connection));
      return { openBetween, databases, closedForTurn, afterTurn };
    });
    assert.equal(seen.openBetween, true, 'open between two operations while held');
    assert.ok(seen.databases.includes('marker_of_held_instance'), seen.databases.join(', '));
    assert.equal(seen.closedForTurn, true);
    assert.ok(!seen.afterTurn.includes('marker_of_held_instance'), 'reopened after the turn');
    assert.equal(isHeldOpen(path), false, 'closed once the hold ends');
    await openFromAnotherProcess(path);
  },
  TIMEOUT,
);
