import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ModelRunResult } from '../runs/runSummary.js';
import { eventMessage, type NodeDetail, parseNodeDetail, parseNodeResult, parseNodeTotal } from './dbtLogEvents.js';
import { withFailureDetails } from './nodeFailureDetails.js';
import { dieWithParent } from '../util/dieWithParent.js';
import { buildThenFreshnessScript, freshnessSelection } from './freshnessAfterBuild.js';

export interface RunDbtInput {
  dbtBin: string;
  projectDir: string;
  /** e.g. ['build'] or ['build', '--select', 'marts']. */
  args: string[];
  env: NodeJS.ProcessEnv;
  targetPath: string;
  /** Each finished node, with how many nodes the command runs in all (dbt's "37 of 120") when dbt says. */
  onNodeFinished?: (result: ModelRunResult, total: number | undefined) => void;
  signal?: AbortSignal;
  /**
   * Then `dbt source freshness` in the same process (dbt/build_then_freshness.py, run by this Python:
   * dbt's own) into targetPath's sources.json; these tables, or every source when absent.
   */
  freshnessAfter?: { python: string; targetPath: string; tables?: string[] };
}

export interface RunDbtOutput {
  exitCode: number;
  nodes: ModelRunResult[];
  errors: string[];
}

/** Runs the dbt CLI as a subprocess with JSON logs, collecting one result per finished node. */
export async function runDbt(input: RunDbtInput): Promise<RunDbtOutput> {
  if (!existsSync(input.dbtBin)) {
    throw new Error(
      `dbt not found at ${input.dbtBin}: run scripts/setup (it installs requirements.txt into .venv) or set REBAR_DBT_BIN.`,
    );
  }
  const args = [
    ...input.args,
    '--project-dir',
    input.projectDir,
    '--profiles-dir',
    input.projectDir,
    '--target-path',
    input.targetPath,
    '--log-format',
    'json',
    '--log-level',
    'info',
    // dbt's own log file (logs/dbt.log in the project, shared by every run) is written at debug level:
    // every statement of every node. It cost ~15-20% of a demo build's CPU and nothing reads it; the
    // info-level events on stdout are what Rebar parses and keeps.
    '--log-level-file',
    'none',
    '--no-use-colors',
  ];
  const after = input.freshnessAfter;
  const [program, programArgs] = after
    ? [
        after.python,
        [buildThenFreshnessScript(), after.targetPath, JSON.stringify(freshnessSelection(after.tables)), '--', ...args],
      ]
    : [input.dbtBin, args];
  // If the worker is killed, a dbt left running would hold the warehouse's write lock and race the retried build.
  const { command, args: commandArgs, diesWithParent } = dieWithParent(program, programArgs, 'KILL');
  // Ctrl-C in a terminal signals the whole foreground group: a dbt that died of it first would fail
  // the build (a failed run, an alert) before the run's cancellation arrived. In its own group, only
  // the cancellation (abort below) stops it; where it cannot die with its parent, it stays in ours so
  // that killing our group still ends it.
  const child = spawn(command, commandArgs, {
    cwd: input.projectDir,
    env: input.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: diesWithParent,
  });
  const abort = () => child.kill('SIGTERM');
  input.signal?.addEventListener('abort', abort, { once: true });

  const nodes: ModelRunResult[] = [];
  const details: NodeDetail[] = [];
  const errors: string[] = [];
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  for await (const line of createInterface({ input: child.stdout })) {
    const node = parseNodeResult(line);
    if (node) {
      nodes.push(node);
      input.onNodeFinished?.(node, parseNodeTotal(line));
      continue;
    }
    const detail = parseNodeDetail(line);
    if (detail) {
      details.push(detail);
      continue;
    }
    // Errors about a node reach it through its details; the rest are the build's own (e.g. a compilation error).
    const event = eventMessage(line);
    if (event && event.level === 'error' && !event.uniqueId && event.message.trim()) errors.push(event.message.trim());
  }
  const exitCode = await new Promise<number>((resolveExit) => {
    if (child.exitCode !== null) resolveExit(child.exitCode);
    else child.on('close', (code) => resolveExit(code ?? 1));
  });
  input.signal?.removeEventListener('abort', abort);
  if (exitCode !== 0 && errors.length === 0 && stderr.length > 0) errors.push(stderr.join('').trim().slice(-2000));
  return { exitCode, nodes: withFailureDetails(nodes, details, input.targetPath), errors };
}
