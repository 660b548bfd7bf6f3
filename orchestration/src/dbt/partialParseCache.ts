import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PARTIAL_PARSE_FILE = 'partial_parse.msgpack';

/**
 * Each run writes dbt's artifacts to a target folder of its own, which would make dbt parse the
 * whole project every time (seconds per run). dbt's saved parse state is carried from run to run
 * instead: dbt itself checks it against the files, vars and profile and reparses what changed.
 */
export function restorePartialParse(cachePath: string, targetPath: string): void {
  if (!existsSync(cachePath)) return;
  mkdirSync(targetPath, { recursive: true });
  copyFileSync(cachePath, join(targetPath, PARTIAL_PARSE_FILE));
}

export function savePartialParse(targetPath: string, cachePath: string): void {
  const produced = join(targetPath, PARTIAL_PARSE_FILE);
  if (!existsSync(produced)) return;
  mkdirSync(dirname(cachePath), { recursive: true });
  // Copy then rename, so a concurrent reader never sees half a file.
  const partial = `${cachePath}.${process.pid}.tmp`;
  copyFileSync(produced, partial);
  renameSync(partial, cachePath);
}
