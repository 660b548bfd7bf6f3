import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './projectRoot.js';

/** A `rebar` command running in the background in its own process group, as a terminal starts it. */
export interface BackgroundCli {
  child: ChildProcess;
  output(): string;
  /** Resolves once stdout or stderr matches, rejecting (with the output) if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or 'SIGKILL' etc.) once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
}

export function startCli(args: string[], env: Record<string, string>): BackgroundCli {
  const cli = join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js');
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | NodeJS.Signals>((resolveExit) =>
    child.on('close', (code, signal) => resolveExit(code ?? signal ?? 1)),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 300_000) =>
      new Promise<void>((resolveWait, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          cleanup();
          resolveWait();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs / 1000} s from rebar ${args.join(' ')}:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          cleanup();
          if (pattern.test(text)) resolveWait();
          else reject(new Error(`rebar ${args.join(' ')} exited (${code}) before ${pattern}:\n${text}`));
        });
        check();
      }),
  };
}
