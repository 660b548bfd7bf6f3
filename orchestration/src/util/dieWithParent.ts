import { existsSync } from 'node:fs';

export interface DyingCommand {
  command: string;
  args: string[];
  /** The kernel signals it when its parent dies, so it may run in its own process group. */
  diesWithParent: boolean;
}

/**
 * A child that must not outlive a killed Rebar process (a dbt holding the warehouse's write lock, a
 * dev server holding temporal.db): on Linux, setpriv makes the kernel send it `signal` when its
 * parent dies. Elsewhere the command is returned unchanged.
 */
export function dieWithParent(command: string, args: string[], signal: 'KILL' | 'TERM'): DyingCommand {
  const setpriv = '/usr/bin/setpriv';
  return process.platform === 'linux' && existsSync(setpriv)
    ? { command: setpriv, args: ['--pdeathsig', signal, '--', command, ...args], diesWithParent: true }
    : { command, args, diesWithParent: false };
}
