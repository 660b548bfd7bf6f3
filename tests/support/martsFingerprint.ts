import { queryDuckDb } from './duckdbQuery.js';

/** Every mart's row count and a hash of its rows by value: compares a published file with the working warehouse. */
export async function martsFingerprint(path: string): Promise<Record<string, unknown>[]> {
  const marts = await queryDuckDb(
    path,
    `select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'BASE TABLE' order by table_name`,
  );
  const rows: Record<string, unknown>[] = [];
  for (const { table_name: name } of marts) {
    const [row] = await queryDuckDb(
      path,
      `select '${String(name)}' as mart, count(*) as row_count, sum(hash(t::varchar)) as content from marts."${String(name)}" as t`,
    );
    rows.push(row ?? {});
  }
  return rows;
}
