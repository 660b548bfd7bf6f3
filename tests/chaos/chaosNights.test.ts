import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import { loadConfig, type RebarConfig } from '../../orchestration/src/config/config.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { compareIncrementalWithFullRefresh } from '../support/incrementalVsFullRefresh.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { BUSINESS_QUESTIONS, type OracleContext } from './businessOracle.js';

// Chaos nights: a small generated source, a first nightly, then REBAR_CHAOS_DAYS days of
// `rebar simulate-day --chaos` (the edits a real field app makes), each followed by
// `rebar nightly --no-simulate`. Every night must publish, and after it every business question
// answered from the published marts must equal the same figure computed on the source
// (businessOracle.ts). On the second chaos day a transaction opened on another connection stays
// open across the extraction and commits after it: the next night must hold its rows. After the
// last night, every incremental mart must equal a --full-refresh build of a copy. Three days by
// default: each of the three migrations runs on its own day and the held transaction is checked on
// day 3; with seed 21 days 4 and 5 repeated kinds of edit days 1-3 made, at 4-7 min a night busy.
const CHAOS_DAYS = Number(process.env.REBAR_CHAOS_DAYS ?? 3);
const HARD_DELETED_TABLES = ['crew_checkins', 'haul_offs', 'material_requests', 'tm_ticket_items'];
const NIGHT_TIMEOUT_MS = 900_000;

interface NightReport {
  night: number;
  day: string;
  published: boolean;
  /** What failed, as the CLI or a question said it: empty when the night is right. */
  problems: string[];
}

let source: TempPostgres;
let config: RebarConfig;
let env: Record<string, string>;
const reports: NightReport[] = [];
/** Rows a transaction held open across a night's extraction: the next night must have them. */
let heldOpen: { event: string; item: string } | null = null;

async function scalar(sql: string, params: unknown[] = []): Promise<string> {
  const result = await source.client.query<{ value: unknown }>(sql, params);
  return String(result.rows[0]?.value);
}

/** rebar.yml, with a hard-delete key pass on every run for the tables chaos deletes rows from. */
function tablesConfigCheckingHardDeletes(dir: string): string {
  let yaml = readFileSync(join(projectRoot, 'rebar.yml'), 'utf8');
  for (const table of HARD_DELETED_TABLES) {
    const line = `{ name: ${table}, primary_key: [id], cursor: updated_at, soft_delete: deleted_at }`;
    assert.ok(yaml.includes(line), `rebar.yml lists ${table} as ${line}`);
    yaml = yaml.replace(line, `${line.slice(0, -2)}, hard_delete_check_hours: 0 }`);
  }
  // A copy elsewhere still builds this repository's dbt project (project_dir is relative to the file).
  assert.ok(yaml.includes('dbt: { project_dir: . }'), 'rebar.yml names its dbt project as project_dir: .');
  yaml = yaml.replace('dbt: { project_dir: . }', `dbt: { project_dir: ${JSON.stringify(projectRoot)} }`);
  const path = join(dir, 'rebar.yml');
  writeFileSync(path, yaml);
  return path;
}

/** The published file's modification time, or 0 before the first publish. */
function publishedAt(): number {
  return existsSync(config.publishedPath) ? statSync(config.publishedPath).mtimeMs : 0;
}

/**
 * Runs the nightly. A non-zero exit is a problem, recorded with the lines of its output that say what
 * failed; whether it published is read from the published file, so a crash after publishing still
 * gets its questions checked.
 */
async function nightly(report: NightReport): Promise<void> {
  const before = publishedAt();
  const result = await runCli(['nightly', '--no-simulate'], env);
  report.published = publishedAt() !== before;
  if (result.code !== 0) {
    // The summary's FAILED lines name each failing model or test; otherwise the first error lines.
    const output = `${result.stderr}\n${result.stdout}`.split('\n');
    const failed = output.filter((line) => /^\s*FAILED /.test(line));
    const said = (failed.length > 0 ? failed : output.filter((line) => /fail|error|refus/i.test(line)))
      .slice(0, 15)
      .map((line) => line.trim().slice(0, 400));
    report.problems.push(
      `nightly exited ${result.code} (${report.published ? 'after publishing' : 'nothing published'}):\n    ${said.join('\n    ')}`,
    );
  }
}

/** Every business question, marts against the source; returns how many were compared. */
async function checkQuestions(report: NightReport): Promise<number> {
  const asOf = await scalar('select simulated_through::text as value from demo_clock');
  // Retention prunes platform events older than a year (interaction) counted from today: compare
  // the days well inside every category's retention.
  const eventsFrom = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
  const context: OracleContext = { config, source: source.client, asOf, eventsFrom };
  for (const question of BUSINESS_QUESTIONS) {
    const [marts, expected] = [await question.marts(context), await question.source(context)];
    const missing = expected.filter((line) => !marts.includes(line));
    const extra = marts.filter((line) => !expected.includes(line));
    if (missing.length + extra.length > 0) {
      report.problems.push(
        `${question.name}: ${missing.length} source lines missing from the marts, ${extra.length} not in the source; ` +
          `e.g. source ${JSON.stringify(missing.slice(0, 3))} marts ${JSON.stringify(extra.slice(0, 3))}`,
      );
    }
  }
  return BUSINESS_QUESTIONS.length;
}

/** Schema migrations reach raw: every row has the source's value for the added and the renamed column. */
async function checkMigratedColumns(report: NightReport): Promise<number> {
  let checked = 0;
  for (const [table, column] of [
    ['tm_tickets', 'source_app'],
    ['users', 'phone_number'],
  ] as const) {
    const exists = await scalar(
      'select count(*) as value from information_schema.columns where table_name = $1 and column_name = $2',
      [table, column],
    );
    if (exists === '0') continue;
    checked += 1;
    const sourceValues = new Map(
      (
        await source.client.query<{ id: string; value: string | null }>(
          `select id::text as id, ${column} as value from ${table}`,
        )
      ).rows.map((row) => [row.id, row.value]),
    );
    const rawColumns = await queryDuckDb(
      config.warehousePath,
      `select column_name from information_schema.columns where table_schema = 'raw' and table_name = '${table}'`,
    );
    if (!rawColumns.some((row) => row.column_name === column)) {
      report.problems.push(`raw.${table} has no column ${column} (source added or renamed it)`);
      continue;
    }
    const rawRows = await queryDuckDb(
      config.warehousePath,
      `select cast(id as varchar) as id, ${column} as value from raw.${table} where _rebar_deleted_at is null`,
    );
    const wrong = rawRows.filter((row) => sourceValues.get(String(row.id)) !== (row.value ?? null));
    if (wrong.length > 0)
      report.problems.push(
        `raw.${table}.${column}: ${wrong.length} of ${rawRows.length} rows differ from the source, e.g. ${JSON.stringify(wrong.slice(0, 3))}`,
      );
  }
  return checked;
}

async function simulateChaosDay(): Promise<{ day: string; changed: number; said: string }> {
  const result = await runCli(['simulate-day', '--chaos', '--seed', '21'], env);
  assert.equal(result.code, 0, result.stderr);
  const day = /Simulated (\S+)/.exec(result.stdout)?.[1] as string;
  const json = result.stdout.slice(result.stdout.indexOf('{'), result.stdout.indexOf('\nChaos edits:'));
  const counts = JSON.parse(json) as Record<string, Record<string, number>>;
  const chaosLine = /Chaos edits: (.*)$/m.exec(result.stdout)?.[1] ?? '';
  const chaosCounts = JSON.parse(chaosLine.slice(0, chaosLine.indexOf('; migrations'))) as Record<string, number>;
  const changed = [...Object.values(counts), chaosCounts]
    .flatMap((perTable) => Object.values(perTable))
    .reduce((sum, count) => sum + count, 0);
  return { day, changed, said: chaosLine };
}

beforeAll(
  async () => {
    source = await startTempPostgres({ migrate: true });
    const stateDir = mkdtempSync(join(tmpdir(), 'rebar-chaos-'));
    env = {
      REBAR_STATE_DIR: stateDir,
      REBAR_LOG_LEVEL: 'warn',
      REBAR_SOURCE_URL: source.connectionString,
      REBAR_TABLES_CONFIG: tablesConfigCheckingHardDeletes(stateDir),
    };
    config = loadConfig(env);
    const generated = await runCli(['generate', '--scale', '0.05', '--end-date', '2026-06-30', '--seed', '21'], env);
    assert.equal(generated.code, 0, generated.stderr);

    const first: NightReport = { night: 0, day: '2026-06-30', published: false, problems: [] };
    reports.push(first);
    await nightly(first);
    assert.ok(first.published, `the first nightly, before any chaos, publishes: ${first.problems.join('\n')}`);
    await checkQuestions(first);
    console.log(
      `night 0 (${first.day}): generated source; ${BUSINESS_QUESTIONS.length} questions checked, ${first.problems.length} problems`,
    );
    for (const problem of first.problems) console.log(`  ${problem}`);

    for (let night = 1; night <= CHAOS_DAYS; night += 1) {
      const started = Date.now();
      const simulated = await simulateChaosDay();
      const report: NightReport = { night, day: simulated.day, published: false, problems: [] };
      reports.push(report);
      let longTransaction: pg.Client | null = null;
      let heldIds: { event: string; item: string } | null = null;
      if (night === 2) {
        // A transaction begun a minute before midnight (its rows carry that time, as now() in an app
        // would), still open while the nightly extracts, committed after it.
        longTransaction = new pg.Client({ connectionString: source.connectionString });
        await longTransaction.connect();
        await longTransaction.query('begin');
        const at = `${simulated.day} 23:59:00+00`;
        const event = await longTransaction.query<{ id: string }>(
          "insert into platform_events (event_type, category, user_id, project_id, data, created_at) values ('payment.completed', 'transaction', null, null, '{}', $1) returning id",
          [at],
        );
        const item = await longTransaction.query<{ id: string }>(
          `update tm_ticket_items set quantity = quantity + 3, updated_at = $1
        where id = (select min(id) from tm_ticket_items where deleted_at is null) returning id`,
          [at],
        );
        heldIds = { event: String(event.rows[0]?.id), item: String(item.rows[0]?.id) };
      }
      await nightly(report);
      let questions = 0;
      if (report.published) questions = (await checkQuestions(report)) + (await checkMigratedColumns(report));
      if (longTransaction && heldIds) {
        await longTransaction.query('commit');
        await longTransaction.end();
        heldOpen = heldIds;
      } else if (heldOpen && report.published) {
        const [held] = await queryDuckDb(
          config.warehousePath,
          `select
          (select count(*) from raw.platform_events where id = ${heldOpen.event})::int as events,
          (select quantity from raw.tm_ticket_items where id = ${heldOpen.item})::varchar as quantity`,
        );
        const quantity = await scalar('select quantity::text as value from tm_ticket_items where id = $1', [
          heldOpen.item,
        ]);
        if (held?.events !== 1 || Number(held?.quantity) !== Number(quantity)) {
          report.problems.push(
            `rows of the transaction open across the previous night's extraction are missing: ${JSON.stringify(held)} (source quantity ${quantity})`,
          );
        }
        questions += 1;
        heldOpen = null;
      }
      console.log(
        `night ${night} (${simulated.day}): ${simulated.changed} rows changed (${simulated.said}); ${report.published ? 'published' : 'NOT published'}; ` +
          `${questions} questions checked, ${report.problems.length} problems; ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
      for (const problem of report.problems) console.log(`  ${problem}`);
    }
  },
  NIGHT_TIMEOUT_MS * (CHAOS_DAYS + 2),
);

afterAll(async () => {
  await source?.close();
});

test(`every one of ${CHAOS_DAYS} chaos nights publishes, and the marts answer every business question as the source does`, () => {
  const failed = reports.filter((report) => report.problems.length > 0);
  assert.deepEqual(
    failed.map((report) => `night ${report.night} (${report.day}): ${report.problems.join('\n  ')}`),
    [],
  );
});

test('after the chaos nights, every incremental mart equals a --full-refresh build', async () => {
  const comparisons = await compareIncrementalWithFullRefresh(config);
  for (const row of comparisons)
    console.log(
      `${row.model}: ${row.rows} rows${row.comparedFrom ? ` from ${row.comparedFrom} (the newest retention cutoff)` : ''}, ${row.onlyIncremental} only in the incremental build, ${row.onlyFullRefresh} only in the full refresh`,
    );
  assert.deepEqual(
    comparisons
      .filter((row) => row.onlyIncremental + row.onlyFullRefresh > 0)
      .map(
        (row) => `${row.model}: ${row.onlyIncremental} rows only incremental, ${row.onlyFullRefresh} only full refresh`,
      ),
    [],
  );
}, 900_000);
