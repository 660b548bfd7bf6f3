import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { test } from 'vitest';
import { AnalysisError } from '../../orchestration/src/analyses/runAnalysis.js';
import { errorReport } from '../../orchestration/src/cli/errorReport.js';
import { RunFailedError } from '../../orchestration/src/cli/commands/nightly.js';
import { ResetRefusedError } from '../../orchestration/src/cli/commands/resetCommand.js';
import { DemoFileForeignSourceError } from '../../orchestration/src/cli/commands/runSetup.js';
import { ConfigError } from '../../orchestration/src/config/config.js';
import { DocsError } from '../../orchestration/src/dbt/generateDocs.js';
import { UserError } from '../../orchestration/src/errors/userError.js';
import { CursorWindowError } from '../../orchestration/src/extract/cursorWindow.js';
import { TablesConfigError } from '../../orchestration/src/kernel/tablesConfig.js';
import { InitError } from '../../orchestration/src/init/initProject.js';
import { RetentionPolicyError } from '../../orchestration/src/retention/retentionPolicy.js';
import { SqlError } from '../../orchestration/src/sql/sqlError.js';
import { StateFolderBusyError } from '../../orchestration/src/state/stateLock.js';
import { TemporalUnreachableError } from '../../orchestration/src/temporal/connectTemporal.js';
import { UnknownScheduleError } from '../../orchestration/src/temporal/schedule.js';

const USER_ERRORS = [
  new ConfigError('REBAR_TARGET must be duckdb or snowflake'),
  new TablesConfigError('rebar.yml line 3: unknown key'),
  new RetentionPolicyError('event_retention_policy.csv line 2: retention_years must be a whole number'),
  new AnalysisError('no analysis named nope'),
  new SqlError('only read-only queries'),
  new UnknownScheduleError('no schedule rebar-nightly'),
  new CursorWindowError('--from must be before --to'),
  new ResetRefusedError('a load is running'),
  new InitError('sources/app/rebar.yml exists: pass --force'),
  new DemoFileForeignSourceError('rebar.yml names the demo'),
  new StateFolderBusyError('.rebar/rebar.lock', {
    pid: 4242,
    command: 'rebar worker',
    startedAt: '2026-11-30T10:00:00Z',
  }),
  new DocsError('no published warehouse'),
  new TemporalUnreachableError('Cannot reach Temporal at 127.0.0.1:7233'),
];

test('every error the user can fix is a UserError, named after its class: the CLI prints its message alone and exits 1', () => {
  for (const error of USER_ERRORS) {
    assert.ok(error instanceof UserError, error.constructor.name);
    assert.equal(error.name, error.constructor.name, 'the name in messages and logs is the class');
    assert.deepEqual(errorReport(error), { text: `rebar: ${error.message}\n`, exitCode: 1 }, error.name);
  }
});

test('a run that started and failed is a user error with exit code 2', () => {
  const error = new RunFailedError('the run failed: publishing failed');
  assert.ok(error instanceof UserError);
  assert.equal(error.name, 'RunFailedError');
  assert.deepEqual(errorReport(error), { text: 'rebar: the run failed: publishing failed\n', exitCode: 2 });
});

test("commander's bad option value is its message alone, exit 1", () => {
  assert.deepEqual(errorReport(new InvalidArgumentError('--runs must be a positive whole number')), {
    text: 'rebar: --runs must be a positive whole number\n',
    exitCode: 1,
  });
});

test('an unexpected error is a bug: its message, then where it was thrown, exit 1', () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'tables')");
  const report = errorReport(bug);
  assert.equal(report.exitCode, 1);
  const [first, ...stack] = report.text.trimEnd().split('\n');
  assert.equal(first, "rebar: Cannot read properties of undefined (reading 'tables')");
  assert.ok(stack.length >= 1 && stack.length <= 5, report.text);
  assert.match(stack[0] ?? '', /^\s+at .*errorReport\.test\.ts/, 'the first frame is where it was thrown');
  assert.deepEqual(errorReport('a thrown string'), { text: 'rebar: a thrown string\n', exitCode: 1 });
});
