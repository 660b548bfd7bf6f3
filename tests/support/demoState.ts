import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RebarConfig } from '../../orchestration/src/config/config.js';
import { openSource, withClient } from '../../orchestration/src/source/demoSource.js';
import type { PlantedAnswers } from '../../orchestration/src/source/generator/index.js';
import { runCli } from './runCli.js';

/** A Rebar state folder on the embedded defaults (demo Postgres, DuckDB files), driven through the CLI. */
export interface DemoState {
  env: Record<string, string>;
  config: RebarConfig;
}

export function newDemoState(): DemoState {
  const env = { REBAR_STATE_DIR: mkdtempSync(join(tmpdir(), 'rebar-demo-')), REBAR_LOG_LEVEL: 'warn' };
  return { env, config: loadConfig(env) };
}

/** Runs `rebar <args>` and returns its output; fails the test when it exits non-zero. */
export async function rebar(state: DemoState, args: string[]): Promise<string> {
  const result = await runCli(args, state.env);
  assert.equal(result.code, 0, `rebar ${args.join(' ')}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The planted answers `rebar generate` prints. */
export function parsePlanted(stdout: string): PlantedAnswers {
  const match =
    /Planted answers: fast foreman user (\d+); over budget: (.+?); will miss its deadline: (.+?); no check-in for \d+ days: (.+)$/m.exec(
      stdout,
    );
  assert.ok(match, `no planted answers in:\n${stdout}`);
  const project = (text: string | undefined) => {
    const id = /^project (\d+)$/.exec(text ?? '');
    return id ? Number(id[1]) : null;
  };
  return {
    fastForemanId: Number(match[1]),
    overBudgetProjectId: project(match[2]),
    lateProjectId: project(match[3]),
    idleProjectId: project(match[4]),
  };
}

/** Queries the demo source directly (between CLI runs, which start and stop its cluster). */
export async function querySource<T>(state: DemoState, sql: string): Promise<T[]> {
  const source = await openSource(state.config);
  try {
    return await withClient(source.url, async (client) => (await client.query(sql)).rows as T[]);
  } finally {
    await source.close();
  }
}
