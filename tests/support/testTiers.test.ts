import assert from 'node:assert/strict';
import childProcess, { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { test } from 'vitest';
import { startEphemeralPostgres } from '../../orchestration/src/source/ephemeralPostgres.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from './projectRoot.js';
import { UNIT_TESTS } from './testTiers.js';

const REFUSED = /unit tier: .* is not allowed; .*remove it from UNIT_TESTS in tests\/support\/testTiers\.ts/;

test('every unit-tier file exists and is a test file, once', () => {
  for (const file of UNIT_TESTS) {
    assert.match(file, /^tests\/.+\.test\.ts$/);
    assert.ok(
      existsSync(join(projectRoot, file)),
      `${file} is listed in tests/support/testTiers.ts but does not exist`,
    );
  }
  assert.equal(new Set(UNIT_TESTS).size, UNIT_TESTS.length, 'no file listed twice');
});

test('in the unit tier, starting a process, a server, a connection or a Temporal test server fails, naming what was asked for', async () => {
  assert.throws(() => spawn('node', ['-e', '']), /unit tier: child_process\.spawn\(node -e \) is not allowed/);
  assert.throws(() => execFileSync('dbt', ['--version']), REFUSED);
  assert.throws(() => childProcess.spawnSync('initdb', ['-D', '/tmp/x']), REFUSED);
  await assert.rejects(runCommand(join(projectRoot, '.venv', 'bin', 'dbt'), ['--version']), REFUSED);
  const dataDir = mkdtempSync(join(tmpdir(), 'rebar-unit-guard-'));
  try {
    await assert.rejects(
      startEphemeralPostgres({
        dataDir: join(dataDir, 'data'),
        binDir: process.env.REBAR_PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin',
      }),
      REFUSED,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  assert.throws(() => net.createServer().listen(0), /unit tier: a listening server/);
  await assert.rejects(
    new pg.Client({ host: '127.0.0.1', port: 5432, user: 'rebar', database: 'app' }).connect(),
    /unit tier: a connection/,
  );
  await assert.rejects(async () => TestWorkflowEnvironment.createLocal(), /unit tier: a Temporal dev server/);
  await assert.rejects(async () => TestWorkflowEnvironment.createTimeSkipping(), /unit tier: a Temporal test server/);
});
