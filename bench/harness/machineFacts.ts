import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import pg from 'pg';

export interface MachineFacts {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  postgres: string;
  disk: string;
}

/** What the figures were measured on (they are only comparable within one run on one machine). */
export async function machineFacts(sourceUrl: string): Promise<MachineFacts> {
  const client = new pg.Client({ connectionString: sourceUrl });
  await client.connect();
  const postgres = (await client.query<{ version: string }>('select version()')).rows[0]?.version ?? 'unknown';
  await client.end();
  let disk = 'unknown';
  try {
    disk =
      execFileSync('df', ['-h', '--output=source,fstype,size', '.'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .slice(-1)[0] ?? disk;
  } catch {
    // df missing: leave it unknown
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    postgres: postgres.split(' on ')[0] ?? postgres,
    disk,
  };
}
