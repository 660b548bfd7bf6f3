import { basename } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** DuckDB names an attached file's database after the file: analytics.duckdb is "analytics". */
export function databaseNameOf(warehousePath: string): string {
  return basename(warehousePath).replace(/\.[^.]*$/, '');
}

/**
 * Runs `work` on a private in-memory DuckDB with the warehouse file attached read-only under its
 * own name, which is also the default catalog: nothing can write the file, and no lock is taken
 * that a load or a publish would wait for.
 */
export async function withReadOnlyWarehouse<T>(
  warehousePath: string,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const database = `"${databaseNameOf(warehousePath).replaceAll('"', '""')}"`;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`attach '${warehousePath.replaceAll("'", "''")}' as ${database} (read_only)`);
    await connection.run(`use ${database}`);
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
