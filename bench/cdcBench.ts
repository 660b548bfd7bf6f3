/**
 * `npm run bench:cdc`: every demo table read through mode cdc (the replication slot) beside the same
 * tables read by their cursors, on one generated source, in one run on one machine: a full nightly
 * each, then nightlies after the same changed shares of rows. Writes bench/results/<date>-cdc.json;
 * docs/cdc.md quotes it. Figures are ratios of the two paths measured side by side.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig } from '../orchestration/src/config/config.js';
import { loadRebarFile, sourceRelationOf } from '../orchestration/src/kernel/tablesConfig.js';
import { startEphemeralPostgres } from '../orchestration/src/source/ephemeralPostgres.js';
import { changeRows } from './harness/changeRows.js';
import { fillSource } from './harness/fillSource.js';
import { machineFacts } from './harness/machineFacts.js';
import { runRebar, type RebarRun } from './harness/rebarRun.js';

const options = new Command()
  .name('bench:cdc')
  .option('--rows <n>', 'source size to generate, in rows across all tables', (value) => Number(value), 2_000_000)
  .option('--years <n>', 'years of history to generate', (value) => Number(value), 2)
  .option('--changes <fractions>', 'the changed shares of rows', (value) => value.split(',').map(Number), [0.001, 0.01])
  .option('--work-dir <dir>', 'scratch space', 'bench/.work-cdc')
  .option('--results-dir <dir>', 'where the JSON results go', 'bench/results')
  .parse()
  .opts<{ rows: number; years: number; changes: number[]; workDir: string; resultsDir: string }>();
const workDir = resolve(options.workDir);
const config = loadConfig();
const log = (line: string) => process.stdout.write(`[bench:cdc ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
// The shipped file's tables and dbt project, every table in mode cdc (retention is for cursor tables).
const demoFile = loadRebarFile(config.tablesConfigPath);
const cdcConfig = join(workDir, 'rebar-cdc.yml');
writeFileSync(
  cdcConfig,
  stringify({
    demo: true,
    dbt: { project_dir: config.projectRoot },
    tables: demoFile.tables.map((table) => ({
      name: sourceRelationOf(table).table,
      primary_key: table.primaryKey,
      ...(table.softDelete ? { soft_delete: table.softDelete } : {}),
      mode: 'cdc',
    })),
  }),
);
const cluster = await startEphemeralPostgres({
  dataDir: join(workDir, 'postgres'),
  binDir: config.pgBinDir,
  database: 'bench',
});
try {
  log(`generating ~${options.rows} rows over ${options.years} years`);
  const source = await fillSource(cluster.connectionString, options.rows, options.years);
  log(`source: ${source.rows} rows`);
  const paths = {
    cursor: { state: join(workDir, 'rebar-cursor'), env: {} },
    cdc: { state: join(workDir, 'rebar-cdc'), env: { REBAR_TABLES_CONFIG: cdcConfig } },
  };
  const runs: {
    run: string;
    path: string;
    extractSeconds: number;
    nightlySeconds: number;
    rowsExtracted: number;
    rowsWritten: number;
    slot: unknown;
  }[] = [];
  const measure = async (run: string, path: keyof typeof paths): Promise<RebarRun> => {
    const measured = await runRebar(cluster.connectionString, paths[path].state, paths[path].env);
    const line = {
      run,
      path,
      extractSeconds: measured.result.phaseSeconds.extract,
      nightlySeconds: measured.seconds,
      rowsExtracted: measured.result.rowsExtracted,
      rowsWritten: measured.result.rowsWritten,
      slot: measured.result.replicationSlot,
    };
    runs.push(line);
    log(
      `${run} ${path}: extract + load ${line.extractSeconds.toFixed(1)} s, whole nightly ${line.nightlySeconds.toFixed(1)} s, ${line.rowsExtracted} rows read, ${line.rowsWritten} written${line.slot ? `; slot ${JSON.stringify(line.slot)}` : ''}`,
    );
    return measured;
  };
  await measure('full', 'cursor');
  await measure('full', 'cdc');
  for (const fraction of options.changes) {
    const label = `${Number((fraction * 100).toPrecision(3))}%`;
    const changed = await changeRows(cluster.connectionString, demoFile.tables, fraction);
    log(`changed ${changed} source rows (${label})`);
    const cursor = await measure(label, 'cursor');
    const cdc = await measure(label, 'cdc');
    log(
      `${label}: cdc / cursor extract + load ${(cdc.result.phaseSeconds.extract / cursor.result.phaseSeconds.extract).toFixed(2)}x, whole nightly ${(cdc.seconds / cursor.seconds).toFixed(2)}x`,
    );
  }
  mkdirSync(options.resultsDir, { recursive: true });
  const file = join(options.resultsDir, `${new Date().toISOString().slice(0, 10)}-cdc.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), command: `npm run bench:cdc -- ${process.argv.slice(2).join(' ')}`.trim(), machine: await machineFacts(cluster.connectionString), source, runs }, null, 2)}\n`,
  );
  log(`results: ${file}`);
} finally {
  await cluster.stop();
}
