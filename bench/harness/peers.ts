import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../../orchestration/src/config/projectRoot.js';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { lastJsonLine, runMeasured } from './measuredProcess.js';

export type PeerTool = 'dlt' | 'sling';

export interface PeerRun {
  seconds: number;
  rows: number;
  peakTreeRssMb: number;
  detail: string;
}

interface PeerReport {
  tool: string;
  rows: number;
  seconds: number;
  backend?: string;
}

/**
 * One load by a peer tool (bench/peers, installed into .venv-bench by `npm run bench:setup`), same
 * source, same tables, same cursors, into its own DuckDB file under `workDir`.
 */
export async function runPeer(
  tool: PeerTool,
  mode: 'full' | 'incremental',
  sourceUrl: string,
  tables: TableConfig[],
  workDir: string,
): Promise<PeerRun> {
  const root = findProjectRoot();
  const python = join(root, '.venv-bench', 'bin', 'python');
  if (!existsSync(python))
    throw new Error(
      `${python} is missing: run \`npm run bench:setup\` (installs dlt and Sling for the comparison) or pass --no-peers`,
    );
  mkdirSync(workDir, { recursive: true });
  const tablesFile = join(workDir, 'tables.json');
  const incremental = tables.filter(
    (table): table is Extract<TableConfig, { cursor: string }> => table.mode !== 'full_refresh',
  );
  writeFileSync(
    tablesFile,
    JSON.stringify(
      incremental.map((table) => ({
        name: table.name,
        primary_key: table.primaryKey,
        cursor: table.cursor,
        mode: table.mode,
      })),
    ),
  );
  const script = join(root, 'bench', 'peers', tool === 'dlt' ? 'dlt_load.py' : 'sling_load.py');
  const args = [
    script,
    '--source-url',
    sourceUrl,
    '--tables',
    tablesFile,
    '--duckdb',
    join(workDir, `${tool}.duckdb`),
    '--state-dir',
    join(workDir, 'state'),
    '--mode',
    mode,
  ];
  const measured = await runMeasured(python, args, {
    env: { ...process.env, PATH: `${join(root, '.venv-bench', 'bin')}:${process.env.PATH ?? ''}` },
  });
  if (measured.exitCode !== 0)
    throw new Error(`${tool} ${mode} failed (exit ${measured.exitCode}): ${measured.stderr.slice(-3000)}`);
  const report = lastJsonLine<PeerReport>(measured.stdout);
  // The tool's own load time (like Rebar's extract phase, without process start-up); the process's wall time in the detail.
  const backend = report.backend ? `backend ${report.backend}, ` : '';
  return {
    seconds: report.seconds,
    rows: report.rows,
    peakTreeRssMb: measured.peakTreeRssMb,
    detail: `${backend}process wall ${measured.seconds.toFixed(1)} s`,
  };
}
