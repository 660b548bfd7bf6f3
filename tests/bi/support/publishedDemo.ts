import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlantedAnswers } from '../../../orchestration/src/source/generator/index.js';
import { type DemoState, newDemoState, parsePlanted, rebar } from '../../support/demoState.js';

/** A published file built by one small demo nightly, with the answers its generator planted. */
export interface PublishedDemo {
  state: DemoState;
  planted: PlantedAnswers;
}

// The smallest scale whose demo still plants an over-budget project and a fast foreman.
export async function publishDemo(): Promise<PublishedDemo> {
  const state = newDemoState();
  const planted = parsePlanted(
    await rebar(state, ['generate', '--scale', '0.02', '--end-date', '2026-06-30', '--seed', '42']),
  );
  assert.ok(
    planted.overBudgetProjectId !== null,
    `the demo planted no over-budget project: ${JSON.stringify(planted)}`,
  );
  await rebar(state, ['nightly', '--no-simulate']);
  return { state, planted };
}

interface ManifestNode {
  resource_type: string;
  schema: string;
  name: string;
  description: string;
  columns: Record<string, { name: string; description: string }>;
}

/** The descriptions dbt knew for each published model (schema.table), from the run's manifest. */
export function dbtDescriptions(state: DemoState): Map<string, { description: string; columns: Map<string, string> }> {
  const targets = join(state.config.stateDir, 'dbt-target');
  // One folder per run that built (partial-parse is dbt's cache, not a run).
  const runs = readdirSync(targets)
    .filter((run) => existsSync(join(targets, run, 'manifest.json')))
    .sort();
  assert.ok(runs.length > 0, `no dbt target in ${targets}`);
  const manifest = JSON.parse(
    readFileSync(join(targets, runs[runs.length - 1] as string, 'manifest.json'), 'utf8'),
  ) as { nodes: Record<string, ManifestNode> };
  const models = Object.values(manifest.nodes).filter((node) => node.resource_type === 'model');
  return new Map(
    models.map((node) => [
      `${node.schema}.${node.name}`,
      {
        description: node.description,
        columns: new Map(Object.values(node.columns).map((column) => [column.name, column.description])),
      },
    ]),
  );
}
