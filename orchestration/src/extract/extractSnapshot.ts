import type pg from 'pg';
import { quoteLiteral } from '../kernel/sqlIdentifiers.js';

/**
 * A read-only REPEATABLE READ transaction with UTC/ISO output, so values are stable and exact: every
 * read of the source (chunks, whole tables, column re-reads, content checks) runs in one.
 */
export async function inReadSnapshot<T>(
  client: pg.ClientBase,
  work: () => Promise<T>,
  /** An exported snapshot to read in (a replication slot's starting point); unset: a snapshot of now. */
  snapshotName?: string,
): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  try {
    // Before any other statement of the transaction, as Postgres requires.
    if (snapshotName) await client.query(`set transaction snapshot ${quoteLiteral(snapshotName)}`);
    await client.query("set local timezone = 'UTC'");
    await client.query("set local datestyle = 'ISO, YMD'");
    await client.query("set local intervalstyle = 'postgres'");
    await client.query('set local extra_float_digits = 3');
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
