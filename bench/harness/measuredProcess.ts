import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  seconds: number;
  /** Highest resident memory of the process itself, in MB. */
  peakRssMb: number;
  /** Highest resident memory of the process and all its descendants together, in MB. */
  peakTreeRssMb: number;
  /** The process's own resident memory over time: [epoch ms, MB]. */
  samples: [number, number][];
  stdout: string;
  stderr: string;
  exitCode: number;
}

const PAGE_KB = 4;
const SAMPLE_EVERY_MS = 100;

/** Resident KB of every process, with its parent: one pass over /proc. */
function processTable(): Map<number, { parent: number; rssKb: number }> {
  const table = new Map<number, { parent: number; rssKb: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), so parse from its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { parent: Number(fields[1]), rssKb: Number(fields[21]) * PAGE_KB });
    } catch {
      // the process ended between readdir and read
    }
  }
  return table;
}

function treeRssKb(root: number, table: Map<number, { parent: number; rssKb: number }>): number {
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += table.get(pid)?.rssKb ?? 0;
    for (const [child, info] of table) if (info.parent === pid) pending.push(child);
  }
  return total;
}

/**
 * Runs a command to completion, sampling its memory (Linux /proc) every 100 ms: the process's own
 * peak RSS and the peak of its whole process tree (e.g. a worker plus the dbt it starts).
 */
export function runMeasured(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Measured> {
  return new Promise((resolveRun, rejectRun) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let peakKb = 0;
    let peakTreeKb = 0;
    const samples: [number, number][] = [];
    const sample = () => {
      if (child.pid === undefined) return;
      const table = processTable();
      const ownKb = table.get(child.pid)?.rssKb ?? 0;
      samples.push([Date.now(), ownKb / 1024]);
      peakKb = Math.max(peakKb, ownKb);
      peakTreeKb = Math.max(peakTreeKb, treeRssKb(child.pid, table));
    };
    const timer = setInterval(sample, SAMPLE_EVERY_MS);
    child.on('error', (error) => {
      clearInterval(timer);
      rejectRun(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolveRun({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMb: peakKb / 1024,
        peakTreeRssMb: peakTreeKb / 1024,
        samples,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        exitCode: code ?? -1,
      });
    });
  });
}

/** The last line of a process's stdout that parses as a JSON object: how the runners report. */
export function lastJsonLine<T>(output: string): T {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith('{'));
  if (!line) throw new Error(`no JSON result line in output:\n${output.slice(-2000)}`);
  return JSON.parse(line) as T;
}
