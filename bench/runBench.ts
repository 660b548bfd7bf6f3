/**
 * `npm run bench`: Rebar measured side by side with the physical limit (COPY TO STDOUT) and with
 * dlt and Sling, on one generated source, in one run on one machine. Writes
 * bench/results/<date>.json and the tables of docs/benchmarks.md. See docs/benchmarks.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import { loadConfig } from '../orchestration/src/config/config.js';
import { loadTablesConfig } from '../orchestration/src/kernel/tablesConfig.js';
import { startEphemeralPostgres } from '../orchestration/src/source/ephemeralPostgres.js';
import { timeAnalystQueries } from './harness/analystQueries.js';
import { changeRows } from './harness/changeRows.js';
import { diskUse, sourceDatabaseMb } from './harness/diskUse.js';
import { fillSource } from './harness/fillSource.js';
import { measureCopyLimit } from './harness/copyLimit.js';
import { machineFacts } from './harness/machineFacts.js';
import { runPeer, type PeerTool } from './harness/peers.js';
import { runRebar, type RebarRun } from './harness/rebarRun.js';
import { renderMarkdown, type BenchResults, type Measurement } from './harness/report.js';

const program = new Command()
  .name('bench')
  .option('--rows <n>', 'source size to generate, in rows across all tables', (value) => Number(value), 10_000_000)
  .option('--years <n>', 'years of history to generate', (value) => Number(value), 5)
  .option(
    '--memory-rows <n>',
    'a second, smaller source for the extractor-memory comparison (0: skip)',
    (value) => Number(value),
    -1,
  )
  .option(
    '--changes <fractions>',
    'the changed shares of rows to measure incremental runs at',
    (value) => value.split(',').map(Number),
    [0.001, 0.01, 0.1],
  )
  .option('--no-peers', 'skip dlt and Sling')
  .option('--work-dir <dir>', 'scratch space (source cluster, warehouses)', 'bench/.work')
  .option('--results-dir <dir>', 'where the JSON results go', 'bench/results')
  .option('--docs <file>', 'markdown report to write ("" to skip)', 'docs/benchmarks.md')
  .option('--section <name>', 'the section of the report this run rewrites (e.g. one per source size)', 'results')
  .parse();
const parsed = program.opts<{
  rows: number;
  years: number;
  memoryRows: number;
  changes: number[];
  peers: boolean;
  workDir: string;
  resultsDir: string;
  docs: string;
  section: string;
}>();
// Absolute: the source cluster's data directory is handed to the postgres OS user.
const options = { ...parsed, workDir: resolve(parsed.workDir) };
const memoryRows = options.memoryRows < 0 ? Math.round(options.rows / 10) : options.memoryRows;
const command = process.argv.length > 2 ? `npm run bench -- ${process.argv.slice(2).join(' ')}` : 'npm run bench';
const config = loadConfig();
const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

rmSync(options.workDir, { recursive: true, force: true });
mkdirSync(options.workDir, { recursive: true });
const tables = loadTablesConfig(config.tablesConfigPath);
const cluster = await startEphemeralPostgres({
  dataDir: join(options.workDir, 'postgres'),
  binDir: config.pgBinDir,
  database: 'bench',
});
try {
  const results: BenchResults = {
    date: new Date().toISOString(),
    command,
    machine: await machineFacts(cluster.connectionString),
    source: { rows: 0, years: options.years, tables: {} },
    measurements: [],
    analystQueries: [],
    memory: [],
    nightlyPhases: [],
  };
  const record = (measurement: Measurement) => {
    results.measurements.push(measurement);
    log(
      `${measurement.tool} ${measurement.step}: ${measurement.seconds.toFixed(1)} s, ${measurement.rows} rows${measurement.peakRssMb ? `, peak ${measurement.peakRssMb.toFixed(0)} MB` : ''}`,
    );
  };

  log(`generating ~${options.rows} rows over ${options.years} years`);
  results.source = await fillSource(cluster.connectionString, options.rows, options.years);
  results.source.mb = await sourceDatabaseMb(cluster.connectionString);
  log(`source: ${results.source.rows} rows, ${results.source.mb.toFixed(0)} MB in Postgres`);

  const limit = await measureCopyLimit(
    cluster.connectionString,
    tables.map((table) => table.name),
    config.extractParallelism,
  );
  record({
    tool: 'limit',
    step: 'full',
    seconds: limit.seconds,
    rows: limit.rows,
    peakRssMb: null,
    detail: `COPY TO STDOUT, ${config.extractParallelism} tables at a time, ${(limit.bytes / 1e6).toFixed(0)} MB of CSV`,
  });

  const rebarState = join(options.workDir, 'rebar');
  const full = await runRebar(cluster.connectionString, rebarState);
  record({
    tool: 'rebar',
    step: 'full',
    seconds: full.result.phaseSeconds.extract,
    rows: full.result.rowsExtracted,
    peakRssMb: full.peakRssMb,
    detail: `extract + load (workflow phase)${contentCheckNote(full)}; peak memory of the worker in this phase (${full.peakRunRssMb.toFixed(0)} MB over the whole run)`,
  });
  record({
    tool: 'rebar',
    step: 'dbt full',
    seconds: full.result.phaseSeconds.dbt,
    rows: full.result.modelsBuilt,
    peakRssMb: null,
    detail: 'models built',
  });
  record({
    tool: 'rebar',
    step: 'nightly full',
    seconds: full.seconds,
    rows: full.result.rowsExtracted,
    peakRssMb: full.peakTreeRssMb,
    detail:
      'whole `rebar nightly` (Temporal dev server start, extract, load, dbt build, publish); memory of the process tree',
  });
  results.nightlyPhases.push({
    run: 'full',
    dbtScope: full.result.dbtScope,
    ...full.phases,
    disk: diskUse(rebarState),
  });

  // The fixed cost: the same nightly again with nothing changed at the source.
  const quiet = await runRebar(cluster.connectionString, rebarState);
  record({
    tool: 'rebar',
    step: 'nightly nothing changed',
    seconds: quiet.seconds,
    rows: quiet.result.rowsWritten,
    peakRssMb: quiet.peakTreeRssMb,
    detail: `whole \`rebar nightly\`, no source row changed (dbt: ${quiet.result.dbtScope})`,
  });
  results.nightlyPhases.push({
    run: 'nothing changed',
    dbtScope: quiet.result.dbtScope,
    ...quiet.phases,
    disk: diskUse(rebarState),
  });

  const peers: PeerTool[] = options.peers ? ['dlt', 'sling'] : [];
  for (const tool of peers) {
    const peer = await runPeer(tool, 'full', cluster.connectionString, tables, join(options.workDir, tool));
    record({
      tool,
      step: 'full',
      seconds: peer.seconds,
      rows: peer.rows,
      peakRssMb: peer.peakTreeRssMb,
      detail: peer.detail,
    });
  }

  for (const fraction of options.changes) {
    const label = `${Number((fraction * 100).toPrecision(3))}%`;
    const changed = await changeRows(cluster.connectionString, tables, fraction);
    log(`changed ${changed} source rows (${label})`);
    const run = await runRebar(cluster.connectionString, rebarState);
    record({
      tool: 'rebar',
      step: `incremental ${label}`,
      seconds: run.result.phaseSeconds.extract,
      rows: run.result.rowsWritten,
      peakRssMb: run.peakRssMb,
      detail: `${changed} rows changed; extract + load${contentCheckNote(run)} (peak over the whole run ${run.peakRunRssMb.toFixed(0)} MB)`,
    });
    record({
      tool: 'rebar',
      step: `dbt incremental ${label}`,
      seconds: run.result.phaseSeconds.dbt,
      rows: run.result.modelsBuilt,
      peakRssMb: null,
      detail: 'models built',
    });
    record({
      tool: 'rebar',
      step: `nightly ${label}`,
      seconds: run.seconds,
      rows: run.result.rowsWritten,
      peakRssMb: run.peakTreeRssMb,
      detail: `whole \`rebar nightly\` (dbt: ${run.result.dbtScope})`,
    });
    results.nightlyPhases.push({
      run: `${label} changed`,
      dbtScope: run.result.dbtScope,
      ...run.phases,
      disk: diskUse(rebarState),
    });
    for (const tool of peers) {
      const peer = await runPeer(tool, 'incremental', cluster.connectionString, tables, join(options.workDir, tool));
      record({
        tool,
        step: `incremental ${label}`,
        seconds: peer.seconds,
        rows: peer.rows,
        peakRssMb: peer.peakTreeRssMb,
        detail: peer.detail,
      });
    }
  }

  log('timing the analyst questions on the published warehouse');
  const rebarConfig = loadConfig({ ...process.env, REBAR_STATE_DIR: rebarState });
  results.analystQueries = await timeAnalystQueries(rebarConfig, await lastSourceDay(cluster.connectionString));

  if (memoryRows > 0) {
    results.memory.push({ rows: full.result.rowsExtracted, peakRssMb: full.peakRssMb });
    const smallUrl = cluster.connectionString.replace(/\/bench$/, '/bench_small');
    await createDatabase(cluster.connectionString, 'bench_small');
    const small = await fillSource(smallUrl, memoryRows, options.years);
    const smallRun = await runRebar(smallUrl, join(options.workDir, 'rebar-small'));
    results.memory.unshift({ rows: smallRun.result.rowsExtracted, peakRssMb: smallRun.peakRssMb });
    log(
      `extractor memory: ${small.rows} rows → ${smallRun.peakRssMb.toFixed(0)} MB, ${full.result.rowsExtracted} rows → ${full.peakRssMb.toFixed(0)} MB`,
    );
  }

  mkdirSync(options.resultsDir, { recursive: true });
  const suffix = options.section === 'results' ? '' : `-${options.section}`;
  const resultsFile = join(options.resultsDir, `${results.date.slice(0, 10)}${suffix}.json`);
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${resultsFile}`);
  if (options.docs) {
    writeFileSync(options.docs, renderMarkdown(results, resultsFile, options.docs, options.section));
    log(`report: ${options.docs}`);
  }
} finally {
  await cluster.stop();
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

async function lastSourceDay(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ day: string }>(
      "select to_char(max(checkin_date), 'YYYY-MM-DD') as day from crew_checkins",
    );
    return rows[0]?.day ?? new Date().toISOString().slice(0, 10);
  } finally {
    await client.end();
  }
}

/** The content check (value comparison after each table's load) is part of the extract phase: say how much. */
function contentCheckNote(run: RebarRun): string {
  const check = run.result.longestContentCheck;
  return check ? `, of which the ${check.table} content check ${check.seconds.toFixed(1)} s` : '';
}
