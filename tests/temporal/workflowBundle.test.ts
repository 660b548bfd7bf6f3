import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { afterAll, test } from 'vitest';
import { rebarLogPath } from '../../orchestration/src/temporal/runtimeLogging.js';
import {
  bundleFilesFor,
  loadWorkflowBundle,
  workflowBundleFiles,
  writeWorkflowBundle,
} from '../../orchestration/src/temporal/workflowBundle.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { testConfig } from '../support/testConfig.js';

// `npm run build` bundles the workflows once (orchestration/src/temporal/bundleWorkflows.ts); a worker
// uses that bundle only while every file it was built from is unchanged, and otherwise bundles afresh.

let env: TestWorkflowEnvironment | undefined;

afterAll(async () => {
  await env?.teardown();
});

/** The SDK's own line when it has just run webpack on workflow code. */
const WEBPACK_RAN = /Workflow bundle created/;

/** A copy of the built dist/ (the real one is shared with the other test files) beside the real node_modules. */
function builtDistCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'rebar-bundle-copy-'));
  mkdirSync(join(root, 'dist'));
  cpSync(join(projectRoot, 'dist', 'orchestration'), join(root, 'dist', 'orchestration'), { recursive: true });
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

test('`rebar nightly` from dist/ starts its worker from the bundle `npm run build` made: webpack does not run', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-bundle-'));
  // A night that fails in its first activity: the worker was created, and nothing slow follows.
  const result = await runCli(['nightly', '--tables', 'no_such_table', '--scale', '0.01'], {
    REBAR_STATE_DIR: stateDir,
    REBAR_LOG_LEVEL: 'info',
  });
  assert.equal(result.code, 2, result.stderr + result.stdout);
  assert.match(result.stderr, /Unknown table\(s\) no_such_table/);
  const log = readFileSync(rebarLogPath(stateDir), 'utf8');
  assert.match(log, /\[INFO\] Workflow bundle: prebuilt dist\/workflow-bundle\.js, its \d+ input files unchanged/);
  assert.doesNotMatch(log, WEBPACK_RAN);
  assert.doesNotMatch(log, /\[WARN\] Workflow bundle/);
  // The bundle that ran is the one dist/ holds, and it was built from the compiled workflows.
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'dist', 'workflow-bundle.json'), 'utf8')) as {
    workflowsPath: string;
    inputs: Record<string, string>;
  };
  assert.equal(manifest.workflowsPath, 'dist/orchestration/src/temporal/workflows/index.js');
  for (const module of ['workflows/nightlyLoad.js', 'workflows/dbtScope.js', 'workflows/boundedParallel.js'])
    assert.ok(`dist/orchestration/src/temporal/${module}` in manifest.inputs, `${module} is a recorded input`);
});

test('a workflow file changed after the build is bundled afresh with a warning, and the worker runs the changed code', async () => {
  const root = builtDistCopy();
  const workflows = join(root, 'dist', 'orchestration', 'src', 'temporal', 'workflows', 'index.js');
  const files = bundleFilesFor(workflows, join(root, 'dist', 'workflow-bundle'), root, 'npm run build');
  const lines: string[] = [];
  const logger = new DefaultLogger('INFO', (entry) => lines.push(`[${entry.level}] ${entry.message}`));

  const built = await writeWorkflowBundle({ files, logger: new DefaultLogger('WARN') });
  const fresh = await loadWorkflowBundle({ files, logger });
  assert.equal(fresh.origin, 'prebuilt');
  assert.equal(fresh.code, built.code);
  assert.deepEqual(
    lines.filter((line) => WEBPACK_RAN.test(line)),
    [],
  );

  // As after `tsc` alone (or an edit in dist/): a new workflow type the recorded bundle lacks.
  appendFileSync(workflows, "\nexport async function bundleProbe() { return 'changed after the build'; }\n");
  lines.length = 0;
  const rebuilt = await loadWorkflowBundle({ files, logger });
  assert.equal(rebuilt.origin, 'bundled');
  assert.equal(rebuilt.reason, 'dist/orchestration/src/temporal/workflows/index.js changed since it was built');
  assert.deepEqual(
    lines.filter((line) => line.startsWith('[WARN]')),
    [
      '[WARN] Workflow bundle dist/workflow-bundle.js is not used (dist/orchestration/src/temporal/workflows/index.js changed since it was built): bundling the workflows from dist/orchestration/src/temporal/workflows/index.js now; `npm run build` builds it once for every start',
    ],
  );
  assert.equal(lines.filter((line) => WEBPACK_RAN.test(line)).length, 1);
  assert.ok(!built.code.includes('changed after the build'));

  // A real worker on the fresh bundle runs the changed code.
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: testConfig().temporalBin } },
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'bundle-probe',
    workflowBundle: { code: rebuilt.code },
  });
  const answer = await worker.runUntil(
    env.client.workflow.execute('bundleProbe', { taskQueue: 'bundle-probe', workflowId: `bundle-probe-${Date.now()}` }),
  );
  assert.equal(answer, 'changed after the build');

  // The fresh bundle was recorded: the next start uses it without webpack or a warning.
  lines.length = 0;
  const next = await loadWorkflowBundle({ files, logger });
  assert.equal(next.origin, 'prebuilt');
  assert.equal(next.code, rebuilt.code);
  assert.deepEqual(
    lines.filter((line) => line.startsWith('[WARN]') || WEBPACK_RAN.test(line)),
    [],
  );
});

test('a bundle whose code was replaced after it was recorded is not used', async () => {
  const root = builtDistCopy();
  const workflows = join(root, 'dist', 'orchestration', 'src', 'temporal', 'workflows', 'index.js');
  const files = bundleFilesFor(workflows, join(root, 'dist', 'workflow-bundle'), root, 'npm run build');
  const built = await writeWorkflowBundle({ files, logger: new DefaultLogger('WARN') });
  appendFileSync(files.codePath, '\n// edited by hand\n');
  const loaded = await loadWorkflowBundle({ files, logger: new DefaultLogger('ERROR') });
  assert.equal(loaded.origin, 'bundled');
  assert.equal(loaded.reason, 'its code is not the code recorded beside it');
  assert.equal(loaded.code, built.code);
});

test('a fresh bundle that cannot be recorded (dist/ not writable) still runs, with a warning', async () => {
  const root = builtDistCopy();
  // A file where the bundle's folder should be: no write can succeed there, even as root.
  writeFileSync(join(root, 'blocked'), '');
  const workflows = join(root, 'dist', 'orchestration', 'src', 'temporal', 'workflows', 'index.js');
  const files = bundleFilesFor(workflows, join(root, 'blocked', 'workflow-bundle'), root, 'npm run build');
  const lines: string[] = [];
  const loaded = await loadWorkflowBundle({
    files,
    logger: new DefaultLogger('WARN', (entry) => lines.push(`[${entry.level}] ${entry.message}`)),
  });
  assert.equal(loaded.origin, 'bundled');
  assert.equal(loaded.reason, 'not built yet');
  assert.match(loaded.code, /nightlyLoad/);
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(
    lines[1] ?? '',
    /^\[WARN\] Workflow bundle not recorded at blocked\/workflow-bundle\.js \((EEXIST|ENOTDIR): .*\): the next start bundles again$/,
  );
});

test('run from the TypeScript sources (vitest), workers share a bundle of the sources cached in dist/', () => {
  const files = workflowBundleFiles();
  assert.equal(files.workflowsPath, join(projectRoot, 'orchestration', 'src', 'temporal', 'workflows', 'index.ts'));
  assert.equal(files.codePath, join(projectRoot, 'dist', 'workflow-bundle.sources.js'));
  assert.equal(files.rebuildWith, undefined, 'a changed source is routine here, not a warning');
});
