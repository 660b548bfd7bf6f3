import { join } from 'node:path';
import { runCommand, type CommandResult } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from './projectRoot.js';

/** Runs the built `rebar` CLI as a user would, with extra environment variables. */
export function runCli(args: string[], env: Record<string, string>): Promise<CommandResult> {
  const cli = join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js');
  return runCommand(process.execPath, [cli, ...args], { cwd: projectRoot, env: { ...process.env, ...env } });
}
