import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfig } from '../../orchestration/src/config/config.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../support/projectRoot.js';

// docs/data-tests.md records the severity of every dbt data test (error: the warehouse is wrong;
// warn: the app wrote a value nobody anticipated). This compares that table with what dbt itself
// parses from models/**/*.yml, seeds/ and snapshots/, so a new test, a removed one or a changed
// severity cannot go unrecorded.

interface ManifestTest {
  resource_type: string;
  name: string;
  attached_node?: string | null;
  column_name?: string | null;
  config: { severity: string; where?: string | null };
  test_metadata?: { name: string; kwargs: Record<string, unknown> };
}

function refName(target: unknown): string {
  const text = String(target);
  return /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(text)?.[1] ?? text;
}

/** One test as the doc's table row: `| model | column | test | severity |`, backticks dropped. */
function describeTest(node: ManifestTest): string {
  const kwargs = node.test_metadata?.kwargs ?? {};
  const name = node.test_metadata?.name ?? 'singular';
  let what = name;
  if (name === 'relationships') what = `relationships → ${refName(kwargs.to)}.${String(kwargs.field)}`;
  if (name === 'accepted_range')
    what = `accepted_range ${String(kwargs.min_value ?? '')}..${String(kwargs.max_value ?? '')}`;
  if (name === 'unique_combination_of_columns')
    what = `unique_combination_of_columns (${(kwargs.combination_of_columns as string[]).join(', ')})`;
  if (node.config.where) what += ` where ${node.config.where}`;
  // A singular test (data-tests/*.sql) reading several models is attached to none: it is listed by its own name.
  const model = node.attached_node ? node.attached_node.split('.').at(-1) : node.name;
  return [model, node.column_name ?? '—', what, node.config.severity.toLowerCase()].join(' | ');
}

function documentedRows(): string[] {
  const doc = readFileSync(join(projectRoot, 'docs', 'data-tests.md'), 'utf8');
  const table = doc.slice(doc.indexOf('\n## Every test\n'));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .replaceAll('`', '')
        .replace(/^\|\s*/, '')
        .replace(/\s*\|\s*$/, '')
        .split(/\s+\|\s+/)
        .join(' | '),
    );
}

test('docs/data-tests.md records every dbt data test with the severity dbt runs it at', async () => {
  const config = loadConfig({ REBAR_LOG_LEVEL: 'warn' });
  const targetPath = mkdtempSync(join(tmpdir(), 'rebar-parse-'));
  const result = await runCommand(
    config.dbtBin,
    [
      'parse',
      '--project-dir',
      config.dbtProjectDir,
      '--profiles-dir',
      config.dbtProjectDir,
      '--target-path',
      targetPath,
    ],
    {
      cwd: config.dbtProjectDir,
      env: { ...process.env, REBAR_WAREHOUSE_PATH: join(targetPath, 'unused.duckdb') },
    },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const manifest = JSON.parse(readFileSync(join(targetPath, 'manifest.json'), 'utf8')) as {
    nodes: Record<string, ManifestTest>;
  };
  const parsed = Object.values(manifest.nodes)
    .filter((node) => node.resource_type === 'test')
    .map(describeTest)
    .sort();
  const documented = documentedRows().sort();

  const missing = parsed.filter((row) => !documented.includes(row));
  const stale = documented.filter((row) => !parsed.includes(row));
  assert.deepEqual(
    { missing, stale },
    { missing: [], stale: [] },
    'add the missing rows to docs/data-tests.md (and remove the stale ones)',
  );
  assert.equal(documented.length, parsed.length, 'each test is listed once');
  assert.ok(parsed.length > 500, `${parsed.length} tests parsed`);
  // The rule itself: tests of values the app may legitimately add warn; keys and joins never do.
  const warned = parsed.filter((row) => row.endsWith('| warn'));
  assert.ok(
    warned.some((row) => row.startsWith('int_crew_checkin_workers | worker_role | relationships → labor_rates.role')),
    'a role missing from labor_rates warns',
  );
  assert.deepEqual(
    warned.filter((row) => / \| (unique|unique_combination_of_columns)\b/.test(row) || /→ dim_/.test(row)),
    [],
    'keys and joins to our own dimensions stay error',
  );
});
