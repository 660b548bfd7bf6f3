import { readFileSync } from 'node:fs';

/** A process as a lock or pid file records it: its pid, and (on Linux) when it started, so a reused pid is not mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  /** Clock ticks since boot at which the process started (/proc/<pid>/stat field 22); undefined off Linux. */
  startTicks?: number;
}

/** This process, as others will check it. */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, startTicks: processStartTicks(process.pid) };
}

/** True while the recorded process runs: the pid answers signal 0 and, where Linux tells, started when it was recorded. */
export function isRunning(identity: ProcessIdentity): boolean {
  if (!Number.isInteger(identity.pid) || identity.pid <= 0) return false;
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user (e.g. the demo Postgres run as `postgres`).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie has exited; where no init reaps orphans (containers), the demo Postgres stays one.
  if (processState(identity.pid) === 'Z') return false;
  if (identity.startTicks === undefined) return true;
  const now = processStartTicks(identity.pid);
  return now === undefined || now === identity.startTicks;
}

/** The start time of a process in clock ticks since boot, from /proc; undefined where /proc does not tell. */
export function processStartTicks(pid: number): number | undefined {
  const ticks = Number(statFields(pid)?.[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** The process state letter (R, S, Z, ...) from /proc; undefined where /proc does not tell. */
function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/** /proc/<pid>/stat from field 3 (state) on: the command name (field 2) is in parentheses and may hold spaces. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The command line of a running process ("" where /proc does not tell). */
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
