import { existsSync, readFileSync } from 'node:fs';
import type { AnalystQueryTiming } from './analystQueries.js';
import type { DiskUse } from './diskUse.js';
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
  /** mb: the source database's size in Postgres (absent in results written before it was measured). */
  source: { rows: number; years: number; tables: Record<string, number>; mb?: number };
  measurements: Measurement[];
  analystQueries: AnalystQueryTiming[];
  /** Rebar's worker peak memory on a full load, small source first. */
  memory: { rows: number; peakRssMb: number }[];
  /** Each whole nightly's time by phase (the first is the full one), for the fixed-cost comparison. */
  nightlyPhases: ({ run: string; dbtScope: string; disk?: DiskUse } & NightlyPhases)[];
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
    "Wall seconds per phase of the whole `rebar nightly`, and in brackets the ratio to the full nightly's same phase. start-up: until the workflow started (Node, source check, Temporal dev server, worker); extract: extract, load and retention pruning; dbt: build and publish gate; publish: recording, publishing, alerts and shutting down. Disk: the working warehouse file (with its WAL) and the published file after the run.",
    '',
    `| nightly | dbt scope | ${PHASES.join(' | ')} | warehouse MB | published MB |`,
    `|---|---|${PHASES.map(() => '---').join('|')}|---|---|`,
    ...runs.map(
      (run) =>
        `| ${run.run} | ${run.dbtScope} | ${PHASES.map((phase) => cell(run[phase], full[phase])).join(' | ')} | ${run.disk ? number(run.disk.warehouseMb) : ''} | ${run.disk ? number(run.disk.publishedMb) : ''} |`,
    ),
  ];
}

/** The markers around a section of results in the markdown report; `results` is the default-size run's. */
const markers = (section: string) => [`<!-- bench:${section}:start -->`, `<!-- bench:${section}:end -->`] as const;

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

/**
 * Issue 17's targets (docs/benchmarks.md): each is marked holds / does not hold / not measured
 * (a step this run skipped, e.g. peers with --no-peers or the 1% step at 100M rows).
 */
export function targets(results: BenchResults): Target[] {
  const rate = (measurement: Measurement | undefined) => (measurement ? measurement.rows / measurement.seconds : NaN);
  const rebar = find(results, 'rebar', 'full');
  const limit = find(results, 'limit', 'full');
  const list: Target[] = [];
  const ofLimit = rate(rebar) / rate(limit);
  list.push({
    target: 'full extract + load >= 60% of raw COPY throughput',
    measured: `${(ofLimit * 100).toFixed(0)}% (${number(rate(rebar))} vs ${number(rate(limit))} rows/s)`,
    holds: ofLimit >= 0.6,
  });
  for (const [tool, wanted] of [
    ['dlt', 1.5],
    ['sling', 2],
  ] as const) {
    const peer = find(results, tool, 'full');
    if (!peer || !rebar) {
      list.push({ target: `full extract + load >= ${wanted}x ${tool}`, measured: 'not run (--no-peers)', holds: null });
      continue;
    }
    const ratio = peer.seconds / rebar.seconds;
    list.push({
      target: `full extract + load >= ${wanted}x ${tool}`,
      measured: `${ratio.toFixed(2)}x (${seconds(rebar.seconds)} s vs ${seconds(peer.seconds)} s)`,
      holds: ratio >= wanted,
    });
  }
  const fullNightly = find(results, 'rebar', 'nightly full');
  const tenth = find(results, 'rebar', 'nightly 0.1%');
  const onePercent = find(results, 'rebar', 'nightly 1%');
  list.push({
    target: 'whole nightly at 0.1% change <= 10% of a whole full nightly',
    ...(tenth && fullNightly
      ? {
          measured: `${((tenth.seconds / fullNightly.seconds) * 100).toFixed(0)}% (${seconds(tenth.seconds)} s vs ${seconds(fullNightly.seconds)} s)`,
          holds: tenth.seconds / fullNightly.seconds <= 0.1,
        }
      : { measured: 'not run', holds: null }),
  });
  list.push({
    target: 'whole nightly at 1% change < 20 s (at the default size)',
    ...(onePercent
      ? {
          measured: `${seconds(onePercent.seconds)} s at ${number(results.source.rows)} source rows`,
          holds: onePercent.seconds < 20,
        }
      : { measured: 'not run', holds: null }),
  });
  const publishShare = publishFollowsChange(results);
  if (publishShare) list.push(publishShare);
  const workerPeaks = [
    ...results.memory,
    ...results.measurements
      .filter((measurement) => measurement.tool === 'rebar' && measurement.step.match(/^(full|incremental )/))
      .map((measurement) => ({ rows: results.source.rows, peakRssMb: measurement.peakRssMb ?? 0 })),
  ];
  if (workerPeaks.length > 0) {
    const peak = Math.max(...workerPeaks.map((point) => point.peakRssMb));
    const points = results.memory.length > 0 ? results.memory : workerPeaks.slice(0, 1);
    list.push({
      target: 'worker peak memory < 400 MB, flat from 1M to 100M source rows',
      measured: `highest ${number(peak)} MB; full loads: ${points.map((point) => `${number(point.rows)} rows ${number(point.peakRssMb)} MB`).join(', ')}`,
      holds: peak < 400,
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

/**
 * A night's cost follows the change, not the warehouse's size: the smallest change's publish phase
 * against the full nightly's (publishing is the one phase that touches the whole warehouse by design).
 */
function publishFollowsChange(results: BenchResults): Target | undefined {
  const full = results.nightlyPhases[0];
  const smallest = results.nightlyPhases.find((run) => run.run.endsWith('changed') && run.run !== 'nothing changed');
  if (!full || !smallest || full.publish <= 0) return undefined;
  const share = smallest.publish / full.publish;
  const file = smallest.disk ? ` (published file ${number(smallest.disk.publishedMb)} MB)` : '';
  return {
    target: "a night's publish follows the change (smallest change's publish <= 10% of the full nightly's)",
    measured: `${(share * 100).toFixed(0)}%: ${seconds(smallest.publish)} s at ${smallest.run} vs ${seconds(full.publish)} s full${file}`,
    holds: share <= 0.1,
  };
}

function ratioTo(results: BenchResults, measurement: Measurement): string {
  if (measurement.tool !== 'rebar') return '';
  const peers = (['limit', 'dlt', 'sling'] as const)
    .map((tool) => [tool, find(results, tool, measurement.step)] as const)
    .filter((entry): entry is readonly [(typeof entry)[0], Measurement] => entry[1] !== undefined);
  return peers.map(([tool, peer]) => `${tool} ${(peer.seconds / measurement.seconds).toFixed(2)}x`).join(', ');
}

/**
 * The report with `section` (between its markers) rewritten from `results`; the text around it is
 * kept, and a section the report does not have yet is added at its end.
 */
export function renderMarkdown(
  results: BenchResults,
  resultsFile: string,
  docsFile = 'docs/benchmarks.md',
  sectionName = 'results',
): string {
  const [START, END] = markers(sectionName);
  const { machine } = results;
  const lines = [
    START,
    `## Results of ${results.date.slice(0, 10)}: ${number(results.source.rows)} source rows`,
    '',
    `Command: \`${results.command}\` — raw figures in \`${resultsFile}\`.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, kernel ${machine.kernel}, disk ${machine.disk}; Node ${machine.node}; ${machine.postgres}.`,
    '',
    `Source: ${number(results.source.rows)} rows over ${results.source.years} years${results.source.mb === undefined ? '' : `, ${number(results.source.mb)} MB in Postgres`} (${Object.entries(
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
  return existing.trim() === '' ? `# Benchmarks\n\n${section}\n` : `${existing.trimEnd()}\n\n${section}\n`;
}
