import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { findFreePort } from '../../orchestration/src/util/freePort.js';
import { runCli } from '../support/runCli.js';

test('an unreachable TEMPORAL_ADDRESS stops `rebar schedule` with the address and the fix, without a stack trace', async () => {
  const port = await findFreePort();
  const result = await runCli(['schedule', 'create'], {
    REBAR_STATE_DIR: mkdtempSync(join(tmpdir(), 'rebar-temporal-')),
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, new RegExp(`Cannot reach Temporal at 127\\.0\\.0\\.1:${port} .*unset TEMPORAL_ADDRESS`));
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
});
