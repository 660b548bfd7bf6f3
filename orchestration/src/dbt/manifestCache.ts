import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MANIFEST_FILE = 'manifest.json';

/**
 * The manifest of the last build of a project, kept beside its partial-parse state under the
 * project's fingerprint: a nightly with nothing to build hands it to the publish gate instead of
 * paying for a `dbt parse`. A manifest of another fingerprint is never used (the project changed).
 */
export function manifestCachePath(cacheDir: string, fingerprint: string): string {
  return join(cacheDir, `manifest-${fingerprint}.json`);
}

export function saveManifest(targetPath: string, cachePath: string): void {
  const produced = join(targetPath, MANIFEST_FILE);
  if (!existsSync(produced)) return;
  mkdirSync(dirname(cachePath), { recursive: true });
  // Copy then rename, so a concurrent reader never sees half a file.
  const partial = `${cachePath}.${process.pid}.tmp`;
  copyFileSync(produced, partial);
  renameSync(partial, cachePath);
}

/** Puts the cached manifest where a dbt command would have written it; false when there is none. */
export function restoreManifest(cachePath: string, targetPath: string): boolean {
  if (!existsSync(cachePath)) return false;
  mkdirSync(targetPath, { recursive: true });
  copyFileSync(cachePath, join(targetPath, MANIFEST_FILE));
  return true;
}
