import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { renderMarkdown, targets, type BenchResults, type Measurement } from '../../bench/harness/report.js';

const phases = (run: string, total: number, publish: number, publishedMb: number) => ({
  run,
  dbtScope: run === 'full' ? 'full' : 'changed',
  startup: 2,
  extract: total / 2,
  dbt: total / 4,
  freshness: 0,
  publish,
  total,
  disk: { warehouseMb: 2_000, publishedMb, otherMb: 5 },
});

const measurement = (tool: Measurement['tool'], step: string, seconds: number, peakRssMb: number | null = null) => ({
  tool,
  step,
  seconds,
  rows: 1_000_000,
  peakRssMb,
  detail: '',
});

function results(measurements: Measurement[], nightlyPhases: BenchResults['nightlyPhases']): BenchResults {
  return {
    date: '2026-12-01T00:00:00.000Z',
    command: 'npm run bench',
    machine: { cpu: 'cpu', cores: 2, memoryGb: 24, kernel: 'k', disk: 'd', node: 'v22', postgres: 'PostgreSQL 15' },
    source: { rows: 1_000_000, years: 5, tables: { events: 1_000_000 }, mb: 300 },
    measurements,
    analystQueries: [{ analysis: 'slow_question', rows: 3, coldSeconds: 1.2, warmSeconds: 0.5 }],
    memory: [
      { rows: 100_000, peakRssMb: 350 },
      { rows: 1_000_000, peakRssMb: 380 },
    ],
    nightlyPhases,
  };
}

test("issue 17's targets are marked holds, does not hold, or not measured, from the figures alone", () => {
  const marked = targets(
    results(
      [
        measurement('limit', 'full', 10),
        measurement('rebar', 'full', 16, 390),
        measurement('dlt', 'full', 30),
        measurement('rebar', 'nightly full', 100),
        measurement('rebar', 'nightly 0.1%', 9),
        measurement('rebar', 'incremental 0.1%', 3, 420),
      ],
      [phases('full', 100, 20, 900), phases('0.1% changed', 9, 1.5, 900)],
    ),
  );
  const verdict = Object.fromEntries(marked.map((target) => [target.target, target.holds]));
  assert.deepEqual(verdict, {
    'full extract + load >= 60% of raw COPY throughput': true, // 10/16 = 62.5%
    'full extract + load >= 1.5x dlt': true, // 30/16 = 1.875
    'full extract + load >= 2x sling': null, // not run
    'whole nightly at 0.1% change <= 10% of a whole full nightly': true, // 9%
    'whole nightly at 1% change < 20 s (at the default size)': null, // not run
    "a night's publish follows the change (smallest change's publish <= 10% of the full nightly's)": true, // 7.5%
    'worker peak memory < 400 MB, flat from 1M to 100M source rows': false, // the 0.1% run's 420 MB
    'each analyst question < 1 s': false,
  });
  const publish = marked.find((target) => target.target.startsWith("a night's publish"));
  assert.match(publish?.measured ?? '', /1\.50 s at 0\.1% changed vs 20\.0 s full \(published file 900 MB\)/);
});

test('a section the report lacks is added at its end, and rewritten in place on the next render', () => {
  const docs = join(mkdtempSync(join(tmpdir(), 'rebar-bench-report-')), 'benchmarks.md');
  writeFileSync(docs, '# Benchmarks\n\nHand-written text.\n');
  const run = results([measurement('limit', 'full', 10), measurement('rebar', 'full', 20, 300)], []);
  const first = renderMarkdown(run, 'bench/results/x-100m.json', docs, '100m');
  assert.ok(first.startsWith('# Benchmarks\n\nHand-written text.\n\n<!-- bench:100m:start -->'), first.slice(0, 80));
  assert.match(first, /\| full extract \+ load >= 60% of raw COPY throughput \| 50% /);
  writeFileSync(docs, `${first}\nText after.\n`);
  const second = renderMarkdown(
    results([measurement('limit', 'full', 10), measurement('rebar', 'full', 10, 300)], []),
    'bench/results/x-100m.json',
    docs,
    '100m',
  );
  assert.equal(second.match(/<!-- bench:100m:start -->/g)?.length, 1);
  assert.match(second, /\| 100% /);
  assert.ok(second.includes('Hand-written text.') && second.endsWith('Text after.\n'));
});
