import { existsSync, readFileSync } from 'node:fs';
import type { AnalystQueryTiming } from './analystQueries.js';
import type { MachineFacts } from './machineFacts.js';
import type { NightlyPhases } from './rebarRun.js';

export interface Measurement {
  tool: 'limit' | 'rebar' | 'dlt' | 'sling';
  step: string;
  seconds: number;
  /** Rows moved (for dbt steps: models built). */
  rows: number;
  peakRssMb: number | null;
  detail: string;
}

export interface BenchResults {
  date: string;
  command: string;
  machine: MachineFacts;
  source: { rows: number; years: number; tables: Record<string, number> };
  measurements: Measurement[];
  analystQueries: AnalystQueryTiming[];
  /** Rebar's worker peak memory on a full load, small source first. */
  memory: { rows: number; peakRssMb: number }[];
  /** Each whole nightly's time by phase (the first is the full one), for the fixed-cost comparison. */
  nightlyPhases: ({ run: string; dbtScope: string } & NightlyPhases)[];
}

const PHASES = ['startup', 'extract', 'dbt', 'freshness', 'publish', 'total'] as const;

/** Each nightly's phases in seconds and as a share of the full nightly's same phase. */
function phaseLines(results: BenchResults): string[] {
  const runs = results.nightlyPhases;
  const full = runs[0];
  if (!full) return [];
  const cell = (value: number, base: number) =>
    `${seconds(value)}${base > 0 ? ` (${(value / base).toFixed(2)}x)` : ''}`;
  return [
    '',
    '### Nightly phases: what a nightly costs when little or nothing changed',
    '',
    "Wall seconds per phase of the whole `rebar nightly`, and in brackets the ratio to the full nightly's same phase. start-up: until the workflow started (Node, source check, Temporal dev server, worker); extract: extract, load and retention pruning; dbt: build and publish gate; publish: recording, publishing, alerts and shutting down.",
    '',
    `| nightly | dbt scope | ${PHASES.join(' | ')} |`,
    `|---|---|${PHASES.map(() => '---').join('|')}|`,
    ...runs.map(
      (run) => `| ${run.run} | ${run.dbtScope} | ${PHASES.map((phase) => cell(run[phase], full[phase])).join(' | ')} |`,
    ),
  ];
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const number = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** One target: what it asks, what was measured, whether it holds. */
interface Target {
  target: string;
  measured: string;
  holds: boolean | null;
}

function find(results: BenchResults, tool: Measurement['tool'], step: string): Measurement | undefined {
  return results.measurements.find((measurement) => measurement.tool === tool && measurement.step === step);
}

export function targets(results: BenchResults): Target[] {
  const rate = (measurement: Measurement | undefined) => (measurement ? measurement.rows / measurement.seconds : NaN);
  const rebar = find(results, 'rebar', 'full');
  const limit = find(results, 'limit', 'full');
  const list: Target[] = [];
  const ofLimit = rate(rebar) / rate(limit);
  list.push({
    target: 'full load >= 60% of raw COPY throughput',
    measured: `${(ofLimit * 100).toFixed(0)}% (${number(rate(rebar))} vs ${number(rate(limit))} rows/s)`,
    holds: ofLimit >= 0.6,
  });
  for (const [tool, wanted] of [
    ['dlt', 1.5],
    ['sling', 2],
  ] as const) {
    const peer = find(results, tool, 'full');
    if (!peer || !rebar) {
      list.push({ target: `full load >= ${wanted}x ${tool}`, measured: 'not run (--no-peers)', holds: null });
      continue;
    }
    const ratio = peer.seconds / rebar.seconds;
    list.push({
      target: `full load >= ${wanted}x ${tool}`,
      measured: `${ratio.toFixed(2)}x (${seconds(rebar.seconds)} s vs ${seconds(peer.seconds)} s)`,
      holds: ratio >= wanted,
    });
  }
  const onePercent = find(results, 'rebar', 'nightly 1%');
  if (onePercent)
    list.push({
      target: '1%-change nightly (extract + load + incremental dbt) < 60 s',
      measured: `${seconds(onePercent.seconds)} s`,
      holds: onePercent.seconds < 60,
    });
  const tenth = find(results, 'rebar', 'nightly 0.1%');
  const fullNightly = find(results, 'rebar', 'nightly full');
  if (tenth && fullNightly) {
    const share = tenth.seconds / fullNightly.seconds;
    list.push({
      target: "0.1%-change run <= 10% of a full load's time",
      measured: `${(share * 100).toFixed(1)}% (${seconds(tenth.seconds)} s vs ${seconds(fullNightly.seconds)} s, whole nightly runs)`,
      holds: share <= 0.1,
    });
  }
  if (results.memory.length >= 2) {
    const peak = Math.max(...results.memory.map((point) => point.peakRssMb));
    list.push({
      target: 'extractor peak memory flat, < 500 MB, from 1M to 10M rows',
      measured: results.memory.map((point) => `${number(point.rows)} rows: ${number(point.peakRssMb)} MB`).join('; '),
      holds: peak < 500,
    });
  }
  if (results.analystQueries.length > 0) {
    const slowest = results.analystQueries.reduce((worst, query) =>
      query.coldSeconds > worst.coldSeconds ? query : worst,
    );
    list.push({
      target: 'each analyst question < 1 s',
      measured: `slowest ${slowest.analysis}: ${seconds(slowest.coldSeconds)} s (cold)`,
      holds: slowest.coldSeconds < 1,
    });
  }
  return list;
}

function ratioTo(results: BenchResults, measurement: Measurement): string {
  if (measurement.tool !== 'rebar') return '';
  const peers = (['limit', 'dlt', 'sling'] as const)
    .map((tool) => [tool, find(results, tool, measurement.step)] as const)
    .filter((entry): entry is readonly [(typeof entry)[0], Measurement] => entry[1] !== undefined);
  return peers.map(([tool, peer]) => `${tool} ${(peer.seconds / measurement.seconds).toFixed(2)}x`).join(', ');
}

/** The results section of docs/benchmarks.md, between its markers; the text around them is kept. */
export function renderMarkdown(results: BenchResults, resultsFile: string, docsFile = 'docs/benchmarks.md'): string {
  const { machine } = results;
  const lines = [
    START,
    `## Results of ${results.date.slice(0, 10)}`,
    '',
    `Command: \`${results.command}\` — raw figures in \`${resultsFile}\`.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, kernel ${machine.kernel}, disk ${machine.disk}; Node ${machine.node}; ${machine.postgres}.`,
    '',
    `Source: ${number(results.source.rows)} rows over ${results.source.years} years (${Object.entries(
      results.source.tables,
    )
      .sort((a, b) => b[1] - a[1])
      .map(([table, rows]) => `${table} ${number(rows)}`)
      .join(', ')}).`,
    '',
    '### Targets',
    '',
    '| target | measured | holds |',
    '|---|---|---|',
    ...targets(results).map(
      (target) =>
        `| ${target.target} | ${target.measured} | ${target.holds === null ? '—' : target.holds ? 'yes' : '**no**'} |`,
    ),
    '',
    '### Every measurement',
    '',
    "Seconds are wall time. For Rebar `full`/`incremental` rows are rows extracted/written and the time is the extract + load phase of the workflow; `nightly` is the whole command. `ratio` = the other tool's time / Rebar's time for the same step (above 1: Rebar is faster).",
    '',
    '| tool | step | seconds | rows | rows/s | peak MB | ratio | notes |',
    '|---|---|---|---|---|---|---|---|',
    ...results.measurements.map(
      (measurement) =>
        `| ${measurement.tool} | ${measurement.step} | ${seconds(measurement.seconds)} | ${number(measurement.rows)} | ${measurement.step.startsWith('dbt') ? '' : number(measurement.rows / measurement.seconds)} | ${measurement.peakRssMb === null ? '' : number(measurement.peakRssMb)} | ${ratioTo(results, measurement)} | ${measurement.detail} |`,
    ),
    '',
    '### Analyst questions (analyses/, on the published warehouse)',
    '',
    '| question | rows | cold s | warm s |',
    '|---|---|---|---|',
    ...results.analystQueries.map(
      (query) =>
        `| ${query.analysis} | ${query.rows} | ${seconds(query.coldSeconds)} | ${seconds(query.warmSeconds)} |`,
    ),
    ...phaseLines(results),
    END,
  ];
  const section = lines.join('\n');
  const existing = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '';
  if (existing.includes(START) && existing.includes(END)) {
    return `${existing.slice(0, existing.indexOf(START))}${section}${existing.slice(existing.indexOf(END) + END.length)}`;
  }
  return `# Benchmarks\n\n${section}\n`;
}
