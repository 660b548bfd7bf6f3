import pg from 'pg';
import { quoteIdent } from '../../orchestration/src/kernel/sqlIdentifiers.js';
import { isCursorTable, type TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';

/**
 * Changes a fraction of every table's rows at the source, the way a busy day does: in merge tables
 * that share of rows gets a new version (cursor moved to now), append-only tables grow by that
 * share (copies of their newest rows under new keys). Deterministic choice of rows (setseed).
 * Returns the number of rows changed.
 */
export async function changeRows(sourceUrl: string, tables: TableConfig[], fraction: number): Promise<number> {
  const client = new pg.Client({ connectionString: sourceUrl });
  await client.connect();
  try {
    let changed = 0;
    for (const table of tables) {
      if (table.mode === 'full_refresh') continue;
      const name = quoteIdent(table.name);
      const {
        rows: [counted],
      } = await client.query<{ n: string }>(`select count(*) as n from ${name}`);
      const count = Math.max(1, Math.round(Number(counted?.n ?? 0) * fraction));
      const key = table.primaryKey.map(quoteIdent).join(', ');
      if (table.mode === 'append') {
        const { rows: columns } = await client.query<{ column_name: string }>(
          "select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name <> all($2) order by ordinal_position",
          [table.name, table.primaryKey],
        );
        const list = columns.map((column) => quoteIdent(column.column_name)).join(', ');
        const inserted = await client.query(
          `insert into ${name} (${list}) select ${list} from (select * from ${name} order by ${key} desc limit ${count}) as newest`,
        );
        changed += inserted.rowCount ?? 0;
      } else if (isCursorTable(table)) {
        await client.query('select setseed(0.42)');
        const updated = await client.query(
          `update ${name} set ${quoteIdent(table.cursor)} = clock_timestamp() where (${key}) in (select ${key} from ${name} order by random() limit ${count})`,
        );
        changed += updated.rowCount ?? 0;
      }
    }
    return changed;
  } finally {
    await client.end();
  }
}
