import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ReaderTally } from './warehouseReader.js';
import { projectRoot } from './projectRoot.js';

/** Starts a separate reader process on the published warehouse; `stop()` returns what it saw. */
export function startReader(publishedPath: string): { stop(): Promise<ReaderTally> } {
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'dist', 'tests', 'support', 'warehouseReader.js'), publishedPath],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`reader exited with ${code}: ${stderr}`);
      return JSON.parse(stdout) as ReaderTally;
    },
  };
}
