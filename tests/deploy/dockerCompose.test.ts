import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../orchestration/src/config/config.js';
import { projectRoot } from '../support/projectRoot.js';

interface Compose {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; depends_on?: Record<string, unknown> }>;
}

test('docker-compose.yml runs the worker against the source and Temporal services with settings Rebar knows', () => {
  const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8')) as Compose;
  const worker = compose.services['rebar-worker'];
  assert.ok(worker, 'a rebar-worker service');
  assert.deepEqual(worker.command, ['worker']);
  const settings = Object.keys(worker.environment ?? {});
  assert.deepEqual(settings.filter((name) => !CONFIG_VARIABLES.includes(name)), [], 'every variable is read by the config module');
  for (const dependency of Object.keys(worker.depends_on ?? {})) assert.ok(compose.services[dependency], `${dependency} is defined`);
  assert.match(worker.environment?.REBAR_SOURCE_URL ?? '', /@source-postgres:5432\//);
  assert.equal(worker.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
});
