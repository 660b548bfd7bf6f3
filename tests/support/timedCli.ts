import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CommandResult } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from './projectRoot.js';

export interface TimedCommandResult extends CommandResult {
  /** From the command's first line of output to its exit: the span a test's random signal is drawn over. */
  afterFirstLineMs: number;
}

/**
 * Runs the built `rebar` CLI as runCli does, also timing it from its first line (Node has loaded the
 * CLI and it has begun) to its exit: the tests that signal a run at a random moment after its first
 * line take the length of a complete run from here, measured on this machine at its current load.
 */
export function runTimedCli(args: string[], env: Record<string, string>): Promise<TimedCommandResult> {
  const cli = join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js');
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let firstLineAt: number | undefined;
    const started = () => (firstLineAt ??= Date.now());
    child.stdout.on('data', (chunk: Buffer) => {
      started();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      started();
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const end = Date.now();
      resolveResult({ code: code ?? 1, stdout, stderr, afterFirstLineMs: end - (firstLineAt ?? end) });
    });
  });
}
