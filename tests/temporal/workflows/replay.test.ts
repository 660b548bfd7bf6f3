import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { test } from 'vitest';
import { projectRoot } from '../../support/projectRoot.js';

// Runs of nightlyLoad recorded by earlier versions of Rebar (scripts/record-histories.mjs; one folder
// per commit that ran them): a run still in flight when a worker is upgraded replays its history on
// the new code, so a change to the workflow that patched() does not guard fails here, not in a user's night.
const HISTORIES = join(projectRoot, 'tests', 'fixtures', 'histories');
const WORKFLOWS = join(projectRoot, 'orchestration', 'src', 'temporal', 'workflows', 'index.ts');

function recordedHistories(): { workflowId: string; history: temporal.api.history.v1.History }[] {
  return readdirSync(HISTORIES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.binpb.gz'))
    .sort()
    .map((file) => ({
      workflowId: relative(HISTORIES, join(HISTORIES, file)),
      history: temporal.api.history.v1.History.decode(gunzipSync(readFileSync(join(HISTORIES, file)))),
    }));
}

test('every recorded nightlyLoad history replays on the current workflow code without a nondeterminism error', async () => {
  const histories = recordedHistories();
  assert.ok(histories.length >= 2, `histories in ${HISTORIES}`);
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  console.log(`replayed ${histories.length} histories: ${histories.map((history) => history.workflowId).join(', ')}`);
  assert.deepEqual(failures, []);
}, 300_000);
