import type { KeyPass, KeyPassInput, TombstoneOutput } from '../warehouse.js';
import { StagedParts, type SessionRunner } from './stagedParts.js';
import { sourceKeysTableName, tombstoneStagedKeys } from './tombstoneMissingKeys.js';

/**
 * A hard-delete key pass in chunks: each file of source keys is staged as it is read (StagedParts:
 * compressed parts PUT in parallel, local disk holding a few), then one COPY into a temporary table
 * and one UPDATE tombstone the raw rows whose key the source no longer has.
 */
export async function startKeyPass(
  run: SessionRunner,
  rawSchema: string,
  input: KeyPassInput,
  fileBytes: number,
): Promise<KeyPass> {
  const parts = await StagedParts.start(run, 'keys', input.table.name, input.loadId, fileBytes);
  return {
    add: (filePath) => parts.add(filePath),
    finish: async (): Promise<TombstoneOutput> => {
      try {
        return await run(async (session) => {
          const keysTable = sourceKeysTableName(input.table);
          await parts.copyInto(
            session,
            keysTable,
            input.keyColumns.map((column) => column.name),
          );
          return tombstoneStagedKeys(session, rawSchema, { ...input, keysTable });
        });
      } finally {
        parts.removeLocalFiles();
      }
    },
    abandon: () => parts.discard(),
  };
}
