import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './projectRoot.js';

/** `rebar worker` in its own process, as in production, with extra settings; its output piped or ignored. */
export function startRebarWorker(env: Record<string, string>, output: 'pipe' | 'ignore' = 'ignore'): ChildProcess {
  return spawn(process.execPath, [join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js'), 'worker'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', output, output],
  });
}

/** Resolves with the process's exit code (null when a signal ended it) once it has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}
