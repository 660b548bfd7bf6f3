import type pg from 'pg';
import type { TableConfig } from '../../orchestration/src/extract/tablesConfig.js';
import { queryDuckDb } from './duckdbQuery.js';

/** Rows per table in the source and in the warehouse's raw layer (soft-deleted rows included in both). */
export async function compareCounts(client: pg.ClientBase, warehousePath: string, tables: readonly TableConfig[]) {
  const mismatches: string[] = [];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const source = Number((await client.query(`select count(*) as n from "${table.name}"`)).rows[0].n);
    const [raw] = await queryDuckDb(warehousePath, `select count(*)::bigint as n, count(distinct (${table.primaryKey.join(', ')}))::bigint as keys from raw."${table.name}"`);
    if (Number(raw?.n) !== source || Number(raw?.keys) !== source) mismatches.push(`${table.name}: source ${source}, raw ${raw?.n} rows / ${raw?.keys} keys`);
    counts[table.name] = source;
  }
  return { counts, mismatches };
}
