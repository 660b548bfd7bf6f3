import type { ResetTableInput, ResetTableOutput } from '../warehouse.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent, storedName } from './identifiers.js';

/** Forgets a table's watermark (and unless keepRows its raw rows and last key pass) in one transaction. */
export async function resetTable(
  session: SnowflakeSession,
  rawSchema: string,
  input: ResetTableInput,
): Promise<ResetTableOutput> {
  const name = input.table.name;
  const exists =
    Number(
      (
        await session.query(
          'select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?',
          [storedName(rawSchema), storedName(name)],
        )
      )[0]?.N ?? 0,
    ) > 0;
  return inTransaction(session, async () => {
    const forgotten = await session.execute(`delete from ${METADATA_SCHEMA}.watermarks where table_name = ?`, [name]);
    if (input.keepRows) return { hadWatermark: forgotten > 0, rowsDeleted: 0 };
    await session.execute(`delete from ${METADATA_SCHEMA}.key_checks where table_name = ?`, [name]);
    // The table is read again whole: no column is left to re-read.
    await session.execute(`delete from ${METADATA_SCHEMA}.column_rereads where table_name = ?`, [name]);
    // Emptied, not dropped: models over it still build if the next run stops before loading it.
    const rowsDeleted = exists ? await session.execute(`delete from ${rawSchema}.${sfIdent(name)}`) : 0;
    return { hadWatermark: forgotten > 0, rowsDeleted };
  });
}
