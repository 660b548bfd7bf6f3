/**
 * A reader process, as Metabase or an analyst would be: reopens the published warehouse read-only
 * in a loop and checks each read sees a complete version, until it receives SIGTERM; then prints
 * its tally as JSON. Run from the compiled tests: node dist/tests/support/warehouseReader.js <path>
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface ReaderTally {
  reads: number;
  errors: string[];
  incomplete: string[];
  runIds: string[];
}

const path = process.argv[2];
if (!path) throw new Error('usage: warehouseReader.js <published.duckdb>');

const tally: ReaderTally = { reads: 0, errors: [], incomplete: [], runIds: [] };
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

const versionSql = `
  with last_run as (select run_id, status from _rebar.runs order by finished_at desc limit 1)
  select
      (select run_id from last_run) as run_id,
      (select status from last_run) as status,
      (select count(*) from _rebar.run_tables where run_id = (select run_id from last_run))::int as tables_recorded,
      (select count(*) from marts.fct_project_daily)::int as daily_rows,
      (select count(*) from marts.dim_project)::int as projects`;

async function readOnce(): Promise<void> {
  const instance = await DuckDBInstance.create(path as string, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const row = (await connection.runAndReadAll(versionSql)).getRowObjectsJS()[0] ?? {};
    const complete =
      row.status === 'success' &&
      Number(row.tables_recorded) > 0 &&
      Number(row.daily_rows) > 0 &&
      Number(row.projects) > 0;
    if (!complete) tally.incomplete.push(JSON.stringify(row));
    if (typeof row.run_id === 'string' && !tally.runIds.includes(row.run_id)) tally.runIds.push(row.run_id);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

while (!stopping) {
  try {
    await readOnce();
  } catch (error) {
    tally.errors.push(error instanceof Error ? error.message : String(error));
  }
  tally.reads += 1;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
// One last read after the writer is done, so the tally ends on the newest published version.
await readOnce().catch((error: unknown) => tally.errors.push(String(error)));
process.stdout.write(`${JSON.stringify(tally)}\n`);
