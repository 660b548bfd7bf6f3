import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type SnowflakeSettings } from '../../orchestration/src/config/config.js';
import { generateSource, simulateDay } from '../../orchestration/src/source/generator/index.js';
import { withSnowflake } from '../../orchestration/src/warehouse/snowflake/connection.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

/**
 * `npm run smoke:snowflake`: Rebar against a real Snowflake account, end to end, in a database of
 * its own (docs/snowflake.md, "Smoke test on a real account"). Skipped, with a message saying what to
 * set, unless the REBAR_SMOKE_SNOWFLAKE_* variables are set. With them: a demo source in a
 * throwaway Postgres; a nightly logging in by password (load, dbt build with snapshots and unit
 * tests, publish); a simulated day at the source; a nightly logging in by key pair (merge); checks
 * that raw took the change, that PUBLISHED reads as the reader role, that the snapshots and unit
 * tests ran; then every schema it made is dropped. Exit 0 when every step passes (or it is skipped).
 */

const PREFIX = 'REBAR_SMOKE_SNOWFLAKE_';
const REQUIRED = ['ACCOUNT', 'USER', 'PASSWORD', 'PRIVATE_KEY_PATH', 'WAREHOUSE', 'DATABASE', 'READER_ROLE'];
const OPTIONAL = ['PRIVATE_KEY_PASSPHRASE', 'ROLE', 'LOAD_WAREHOUSE', 'ACCESS_URL'];
/** Every schema a Rebar nightly makes: the loader's, dbt's (dbt_project.yml +schema) and its target schema. */
const REBAR_SCHEMAS = ['RAW', '_REBAR', 'PUBLISHED', 'PUBLISHED__NEXT', 'SEEDS', 'STAGING', 'INTERMEDIATE'];
const DBT_SCHEMAS = ['MARTS', 'SNAPSHOTS', 'ANALYTICS'];

function smokeVariable(name: string): string | undefined {
  return process.env[`${PREFIX}${name}`] || undefined;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The SNOWFLAKE_* variables a Rebar process gets for one login method. */
function rebarEnv(login: 'password' | 'key pair'): Record<string, string> {
  const value = (name: string) => smokeVariable(name) ?? '';
  return {
    REBAR_TARGET: 'snowflake',
    SNOWFLAKE_ACCOUNT: value('ACCOUNT'),
    SNOWFLAKE_USER: value('USER'),
    SNOWFLAKE_PASSWORD: login === 'password' ? value('PASSWORD') : '',
    SNOWFLAKE_PRIVATE_KEY_PATH: login === 'key pair' ? value('PRIVATE_KEY_PATH') : '',
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: login === 'key pair' ? value('PRIVATE_KEY_PASSPHRASE') : '',
    SNOWFLAKE_WAREHOUSE: value('WAREHOUSE'),
    SNOWFLAKE_LOAD_WAREHOUSE: value('LOAD_WAREHOUSE'),
    SNOWFLAKE_DATABASE: value('DATABASE'),
    SNOWFLAKE_ROLE: value('ROLE'),
    SNOWFLAKE_READER_ROLE: value('READER_ROLE'),
    SNOWFLAKE_ACCESS_URL: value('ACCESS_URL'),
    SNOWFLAKE_QUERY_TAG: 'rebar-smoke',
  };
}

function settingsFor(login: 'password' | 'key pair', role?: string): SnowflakeSettings {
  const settings = loadConfig({ ...rebarEnv(login), ...(role ? { SNOWFLAKE_ROLE: role } : {}) }).snowflake;
  if (!settings) throw new Error('REBAR_TARGET=snowflake did not give Snowflake settings');
  return settings;
}

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  log(`  ok  ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function nightly(login: 'password' | 'key pair', sourceUrl: string, stateDir: string): Promise<void> {
  const result = await runCli(['nightly'], {
    ...rebarEnv(login),
    REBAR_SOURCE_URL: sourceUrl,
    REBAR_STATE_DIR: stateDir,
  });
  if (result.code !== 0)
    throw new Error(
      `rebar nightly (${login} login) exited ${result.code}:\n${result.stdout.slice(-3000)}${result.stderr.slice(-3000)}`,
    );
}

async function main(): Promise<number> {
  const set = [...REQUIRED, ...OPTIONAL].filter((name) => smokeVariable(name));
  if (set.length === 0) {
    log(
      `Snowflake smoke test skipped: no ${PREFIX}* variable is set. To run it against a real account, set ` +
        `${REQUIRED.map((name) => PREFIX + name).join(', ')} (optional: ${OPTIONAL.map((name) => PREFIX + name).join(', ')}); ` +
        'docs/snowflake.md, "Smoke test on a real account", lists the grants it needs.',
    );
    return 0;
  }
  const missing = REQUIRED.filter((name) => !smokeVariable(name));
  if (missing.length > 0) {
    log(`Snowflake smoke test cannot run: set ${missing.map((name) => PREFIX + name).join(', ')} as well.`);
    return 1;
  }

  const database = smokeVariable('DATABASE') ?? '';
  const loader = settingsFor('password');
  const inUse = await withSnowflake(loader, 'PUBLIC', (session) =>
    session.query(
      "select count(*) as n from information_schema.tables where table_schema = '_REBAR' and table_name = 'RUNS'",
    ),
  );
  if (Number(inUse[0]?.N ?? 0) > 0) {
    log(
      `Snowflake smoke test refused: ${database} already holds a Rebar deployment (_REBAR.RUNS); give it a database of its own, which it empties at the end.`,
    );
    return 1;
  }

  log(`Snowflake smoke test on account ${loader.account}, database ${database}:`);
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-smoke-'));
  let source: TempPostgres | undefined;
  try {
    source = await step('demo source in a throwaway Postgres', async () => {
      const started = await startTempPostgres({ migrate: true });
      await generateSource(started.client, { scale: 0.02, years: 1, seed: 18, endDate: '2026-06-30' });
      return started;
    });
    await step('nightly 1, password login: load, dbt build (snapshots, unit tests), publish', () =>
      nightly('password', source!.connectionString, stateDir),
    );
    const day = await step('a day of edits at the source', () => simulateDay(source!.client, { seed: 19 }));
    await step('nightly 2, key-pair login: the changed rows merged', () =>
      nightly('key pair', source!.connectionString, stateDir),
    );
    await step('raw holds the source, row for row, in every table the day changed', async () => {
      const [users] = (await source!.client.query<{ n: string }>('select count(*)::text as n from users')).rows;
      const rawUsers = await withSnowflake(settingsFor('key pair'), 'RAW', (session) =>
        session.query('select count(*) as n from raw.users where _rebar_deleted_at is null'),
      );
      if (String(rawUsers[0]?.N) !== users?.n) throw new Error(`raw.users ${rawUsers[0]?.N} rows, source ${users?.n}`);
      log(`      ${day.day}: raw.users ${users?.n} rows`);
    });
    await step('both runs succeeded; the snapshots and unit tests among what they built', async () => {
      const rows = await withSnowflake(loader, '_REBAR', (session) =>
        session.query(`select runs.status, count(distinct case when models.resource_type = 'snapshot' then models.unique_id end) as snapshots,
            count(distinct case when models.resource_type = 'unit_test' then models.unique_id end) as unit_tests
          from _rebar.runs as runs left join _rebar.run_models as models on models.run_id = runs.run_id
          group by runs.run_id, runs.status`),
      );
      // The first run builds the whole project; the second only what the day's changes reach.
      const whole = rows.some((row) => Number(row.SNAPSHOTS) > 0 && Number(row.UNIT_TESTS) > 0);
      if (rows.length !== 2 || rows.some((row) => row.STATUS !== 'success') || !whole)
        throw new Error(`runs: ${JSON.stringify(rows)}`);
    });
    await step(`the reader role ${smokeVariable('READER_ROLE')} reads PUBLISHED`, async () => {
      const reader = settingsFor('password', smokeVariable('READER_ROLE'));
      const published = await withSnowflake(reader, 'PUBLISHED', (session) =>
        session.query('select count(*) as n from published.fct_project_daily'),
      );
      const marts = await withSnowflake(loader, 'MARTS', (session) =>
        session.query('select count(*) as n from marts.fct_project_daily'),
      );
      if (Number(published[0]?.N) === 0 || published[0]?.N !== marts[0]?.N)
        throw new Error(`published.fct_project_daily ${published[0]?.N} rows, marts ${marts[0]?.N}`);
    });
    log('Snowflake smoke test passed.');
    return 0;
  } finally {
    await step(`clean up: drop ${[...REBAR_SCHEMAS, ...DBT_SCHEMAS].join(', ')}`, () =>
      withSnowflake(loader, 'PUBLIC', async (session) => {
        for (const schema of [...REBAR_SCHEMAS, ...DBT_SCHEMAS])
          await session.execute(`drop schema if exists ${schema}`);
      }),
    ).catch((error: unknown) => log(`  clean-up failed: ${String(error)}`));
    await source?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`Snowflake smoke test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
