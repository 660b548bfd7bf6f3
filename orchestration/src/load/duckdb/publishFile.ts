import { constants, copyFile, rename, rm, stat } from 'node:fs/promises';
import type { PublishOutput } from '../loader.js';
import { takeTurn, withDuckDb } from './exclusiveDatabase.js';

/**
 * DuckDB lets one process write a file or many read it, never both. So readers get their own file:
 * a checkpointed copy of the working warehouse, renamed into place. The rename is atomic; a reader
 * that already has the old file open keeps reading that complete version until it reconnects.
 */
export async function publishDuckDbFile(warehousePath: string, publishedPath: string): Promise<PublishOutput> {
  await withDuckDb(warehousePath, (connection) => connection.run('checkpoint'));
  return takeTurn(warehousePath, async () => {
    const staging = `${publishedPath}.publishing`;
    try {
      // A copy-on-write clone where the filesystem supports it, a plain copy elsewhere.
      await copyFile(warehousePath, staging, constants.COPYFILE_FICLONE);
      await rename(staging, publishedPath);
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    }
    return { location: publishedPath, bytes: (await stat(publishedPath)).size };
  });
}
