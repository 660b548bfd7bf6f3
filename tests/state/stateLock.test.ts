import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'vitest';
import { processStartTicks } from '../../orchestration/src/state/processIdentity.js';
import { acquireStateLock, readLockHolder, StateFolderBusyError } from '../../orchestration/src/state/stateLock.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A real process that stays alive until killed, to stand for another rebar command. */
function liveProcess(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.push(child);
  assert.ok(child.pid);
  return child.pid;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) =>
    child.exitCode !== null || child.signalCode !== null ? resolveExit() : child.once('exit', () => resolveExit()),
  );
}

test('the lock records pid, command and start time, and is gone once released', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-lock-'));
  const lines: string[] = [];
  const lock = acquireStateLock({ stateDir, command: 'rebar nightly --scale 0.02', log: (line) => lines.push(line) });
  const holder = JSON.parse(readFileSync(join(stateDir, 'rebar.lock'), 'utf8')) as Record<string, unknown>;
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.command, 'rebar nightly --scale 0.02');
  assert.ok(Math.abs(Date.parse(String(holder.startedAt)) - Date.now()) < 60_000);
  assert.deepEqual(lines, []);
  lock.release();
  assert.equal(existsSync(join(stateDir, 'rebar.lock')), false);
});

test('a lock held by a live process refuses with a message naming it; nothing is changed', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-lock-'));
  const pid = liveProcess();
  const written = `${JSON.stringify({ pid, startTicks: processStartTicks(pid), command: 'rebar worker', startedAt: '2026-11-30T04:10:00.000Z' })}\n`;
  writeFileSync(join(stateDir, 'rebar.lock'), written);
  assert.throws(
    () => acquireStateLock({ stateDir, command: 'rebar nightly', log: () => undefined }),
    (error: unknown) =>
      error instanceof StateFolderBusyError &&
      error.message ===
        `${join(stateDir, 'rebar.lock')} is held by \`rebar worker\` (pid ${pid}, since 2026-11-30 04:10 UTC); stop it or wait until it has finished, then run this again`,
  );
  assert.equal(readFileSync(join(stateDir, 'rebar.lock'), 'utf8'), written);
});

test('a lock whose process is dead, or whose pid now belongs to another process, is taken over with one line', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-lock-'));
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  writeFileSync(
    join(stateDir, 'rebar.lock'),
    JSON.stringify({
      pid,
      startTicks: processStartTicks(pid),
      command: 'rebar nightly',
      startedAt: '2026-11-30T04:10:00.000Z',
    }),
  );
  child.kill('SIGKILL');
  await exited(child);
  const lines: string[] = [];
  const lock = acquireStateLock({ stateDir, command: 'rebar backfill', log: (line) => lines.push(line) });
  assert.deepEqual(lines, [
    `Taking over ${join(stateDir, 'rebar.lock')} from \`rebar nightly\` (pid ${pid}, since 2026-11-30 04:10 UTC), which is no longer running`,
  ]);
  const holder = readLockHolder(join(stateDir, 'rebar.lock'));
  assert.ok(holder !== 'missing' && holder !== 'unreadable');
  assert.equal(holder.pid, process.pid);
  assert.equal(holder.command, 'rebar backfill');
  lock.release();

  // The pid is alive, but started at another time than the one recorded: not the holder.
  const reused = liveProcess();
  writeFileSync(
    join(stateDir, 'rebar.lock'),
    JSON.stringify({
      pid: reused,
      startTicks: (processStartTicks(reused) ?? 0) + 1,
      command: 'rebar nightly',
      startedAt: '2026-11-30T04:10:00.000Z',
    }),
  );
  const again: string[] = [];
  acquireStateLock({ stateDir, command: 'rebar nightly', log: (line) => again.push(line) }).release();
  assert.equal(again.length, 1);
  assert.match(again[0] ?? '', /no longer running/);
});

test('of two processes taking one folder at once, exactly one gets it', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-lock-'));
  const module = join(process.cwd(), 'dist', 'orchestration', 'src', 'state', 'stateLock.js');
  const script = `import(${JSON.stringify(module)}).then((m) => { try { m.acquireStateLock({ stateDir: ${JSON.stringify(stateDir)}, command: 'rebar nightly', log: () => undefined }); process.stdout.write('got'); setTimeout(() => undefined, 3000); } catch (e) { process.stdout.write(e.name); } });`;
  const outputs = await Promise.all(
    Array.from(
      { length: 4 },
      () =>
        new Promise<string>((resolveOutput) => {
          const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.on('close', () => resolveOutput(out));
        }),
    ),
  );
  assert.equal(outputs.filter((out) => out === 'got').length, 1, outputs.join(', '));
  assert.equal(outputs.filter((out) => out === 'StateFolderBusyError').length, 3, outputs.join(', '));
});
