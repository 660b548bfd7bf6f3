import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * DuckDB allows one read-write process per file, and dbt (a subprocess) must be able to open the
 * file between loads. So each operation opens the file, works, and closes it again, and
 * operations within this process take turns.
 */
const queues = new Map<string, Promise<unknown>>();

export async function withDuckDb<T>(path: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  return takeTurn(path, async () => {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
}

/** Runs `work` while no other operation of this process touches the file (e.g. to copy it whole). */
export async function takeTurn<T>(path: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  const turn = previous.catch(() => undefined).then(work);
  queues.set(path, turn);
  try {
    return await turn;
  } finally {
    if (queues.get(path) === turn) queues.delete(path);
  }
}

/** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('begin transaction');
  try {
    const result = await work();
    await connection.run('commit');
    return result;
  } catch (error) {
    await connection.run('rollback').catch(() => undefined);
    throw error;
  }
}
