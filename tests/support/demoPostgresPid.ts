import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pid the demo Postgres of a state folder wrote in its postmaster.pid, whether or not it still runs. */
export function demoPostgresPid(stateDir: string): number | undefined {
  const file = join(stateDir, 'demo-postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}
