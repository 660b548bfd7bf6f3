import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const lockConflict = /Could not set lock on file|Conflicting lock/i;

/**
 * Waits until no other process holds the DuckDB warehouse file. Under the state folder's lock the
 * only holder can be a killed run's child (its dbt, signalled as its parent died) still exiting;
 * starting before it has gone would fail the first write. Returns the seconds it waited; fails
 * naming the holder (DuckDB's message carries its PID) when it does not let go.
 */
export async function waitForWarehouseRelease(path: string, timeoutMs = 60_000): Promise<number> {
  if (!existsSync(path)) return 0;
  const started = Date.now();
  for (;;) {
    try {
      const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
      instance.closeSync();
      return (Date.now() - started) / 1000;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!lockConflict.test(message)) throw error;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `Another process still holds the warehouse ${path} after ${timeoutMs / 1000} s (${message.split('\n')[0]}); stop it, then run this again`,
        );
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
  }
}
