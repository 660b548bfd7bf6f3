import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { currentProcess, isRunning, type ProcessIdentity } from './processIdentity.js';
import { UserError } from '../errors/userError.js';

/** Who holds a state folder: written into .rebar/rebar.lock by the process that took it. */
export interface LockHolder extends ProcessIdentity {
  /** The command line, e.g. "rebar worker". */
  command: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

/** Another live process holds the state folder. */
export class StateFolderBusyError extends UserError {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${lockPath} is held by \`${holder.command}\` (pid ${holder.pid}, since ${formatSince(holder.startedAt)}); stop it or wait until it has finished, then run this again`,
    );
  }
}

export interface StateLock {
  path: string;
  holder: LockHolder;
  release(): void;
}

export interface AcquireStateLockInput {
  stateDir: string;
  /** What this process is, for the message another process prints, e.g. "rebar nightly --scale 0.02". */
  command: string;
  log: (line: string) => void;
}

export const lockFileName = 'rebar.lock';

/**
 * Takes the state folder's lock: one Rebar process that starts services or writes the warehouse per
 * folder. An atomic exclusive create (O_EXCL) rather than an npm package: proper-lockfile, the usual
 * choice, decides staleness by an mtime it must keep touching, while a dead pid is the exact test here
 * and the file must say who holds it. A lock whose process is dead is taken over with one line.
 */
export function acquireStateLock(input: AcquireStateLockInput): StateLock {
  mkdirSync(input.stateDir, { recursive: true });
  const path = join(input.stateDir, lockFileName);
  const holder: LockHolder = { ...currentProcess(), command: input.command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (createExclusive(path, `${JSON.stringify(holder)}\n`))
      return { path, holder, release: () => releaseLock(path, holder) };
    const current = readLockHolder(path);
    if (current === 'missing') continue;
    if (current === 'unreadable') {
      // A lock being written right now is empty for a moment; one left empty by a crash grows old.
      if (Date.now() - modifiedAt(path) < 10_000) {
        sleepMs(200);
        continue;
      }
      input.log(`Taking over ${path}: it was empty or unreadable (left by a crash)`);
    } else if (isRunning(current)) {
      throw new StateFolderBusyError(path, current);
    } else {
      input.log(
        `Taking over ${path} from \`${current.command}\` (pid ${current.pid}, since ${formatSince(current.startedAt)}), which is no longer running`,
      );
    }
    removeIfUnchanged(path, current);
  }
  throw new Error(`Could not take ${path}: other processes kept taking it; run this again`);
}

/** The lock's holder; 'missing' when there is no lock, 'unreadable' when it is empty or not JSON. */
export function readLockHolder(path: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return Number.isInteger(parsed.pid) && typeof parsed.command === 'string' ? parsed : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes a stale lock only if it still holds what was judged stale: two processes taking over at once never remove each other's fresh lock. */
function removeIfUnchanged(path: string, judged: LockHolder | 'unreadable'): void {
  const now = readLockHolder(path);
  if (now === 'missing') return;
  if (JSON.stringify(now) !== JSON.stringify(judged)) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function releaseLock(path: string, holder: LockHolder): void {
  const current = readLockHolder(path);
  if (
    current === 'missing' ||
    current === 'unreadable' ||
    current.pid !== holder.pid ||
    current.startedAt !== holder.startedAt
  )
    return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** "2026-11-30 04:10 UTC": when a holder took the folder. */
export function formatSince(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
