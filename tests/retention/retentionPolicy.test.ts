import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfig } from '../../orchestration/src/config/config.js';
import { retentionCutoffs } from '../../orchestration/src/retention/retentionCutoffs.js';
import {
  checkRetentionPolicy,
  loadRetentionPolicy,
  parseRetentionPolicy,
  RetentionPolicyError,
} from '../../orchestration/src/retention/retentionPolicy.js';
import { parseTablesConfig } from '../../orchestration/src/kernel/tablesConfig.js';

test('the shipped seed is the policy: transaction and content 7 years, user_activity 2, interaction 1', () => {
  const config = loadConfig({});
  assert.match(config.retentionPolicyPath, /seeds\/event_retention_policy\.csv$/);
  assert.deepEqual(loadRetentionPolicy(config.retentionPolicyPath), [
    { category: 'transaction', retentionYears: 7 },
    { category: 'content', retentionYears: 7 },
    { category: 'user_activity', retentionYears: 2 },
    { category: 'interaction', retentionYears: 1 },
  ]);
});

test('quoted fields, CRLF line ends and blank lines are accepted', () => {
  assert.deepEqual(parseRetentionPolicy('event_category,retention_years\r\n"interaction","3"\r\n\r\n', 'p.csv'), [
    { category: 'interaction', retentionYears: 3 },
  ]);
});

/** Each malformed policy fails naming the file, the line and what to write instead. */
const badPolicies: [string, string, RegExp][] = [
  [
    'a non-integer period',
    'event_category,retention_years\ntransaction,7\ninteraction,1.5\n',
    /^policy\.csv line 3: retention_years must be a whole number of years \(e\.g\. 2\) \(got "interaction,1\.5"\)\.$/,
  ],
  [
    'a word for a period',
    'event_category,retention_years\ninteraction,two\n',
    /^policy\.csv line 2: retention_years must be a whole number of years/,
  ],
  [
    'a period under one year',
    'event_category,retention_years\ninteraction,0\n',
    /^policy\.csv line 2: retention_years must be 1 or more; to keep a category forever, remove its line \(got "interaction,0"\)\.$/,
  ],
  [
    'a negative period',
    'event_category,retention_years\ninteraction,-1\n',
    /^policy\.csv line 2: retention_years must be a whole number/,
  ],
  [
    'a missing field',
    'event_category,retention_years\ninteraction\n',
    /^policy\.csv line 2: expected 2 fields \(event_category,retention_years\), got 1 in "interaction"; write it like interaction,1\.$/,
  ],
  [
    'an empty category',
    'event_category,retention_years\n,2\n',
    /^policy\.csv line 2: event_category is empty; name the category/,
  ],
  [
    'a category listed twice',
    'event_category,retention_years\ninteraction,1\ncontent,7\ninteraction,2\n',
    /^policy\.csv line 4: category "interaction" is listed twice; keep one line per category\.$/,
  ],
  [
    'a wrong header',
    'category,years\ninteraction,1\n',
    /^policy\.csv line 1: expected the header "event_category,retention_years" \(got "category,years"\)/,
  ],
];

for (const [problem, text, message] of badPolicies) {
  test(`a policy with ${problem} is refused naming file, line and fix`, () => {
    assert.throws(
      () => parseRetentionPolicy(text, 'policy.csv'),
      (error: Error) => error instanceof RetentionPolicyError && message.test(error.message),
    );
  });
}

test('a missing policy file names the path; it is only read when a table configures retention', () => {
  const missing = join(mkdtempSync(join(tmpdir(), 'rebar-policy-')), 'absent.csv');
  assert.throws(() => loadRetentionPolicy(missing), /Cannot read the retention policy .*absent\.csv: restore the seed/);
  const plain = parseTablesConfig('tables:\n  - { name: a, primary_key: [id], cursor: id, mode: append }\n', 'x.yml');
  assert.doesNotThrow(() => checkRetentionPolicy(plain, missing));
  const pruned = parseTablesConfig(
    'tables:\n  - { name: a, primary_key: [id], cursor: id, mode: append, retention: { category_column: c, timestamp_column: t } }\n',
    'x.yml',
  );
  assert.throws(() => checkRetentionPolicy(pruned, missing), RetentionPolicyError);
  const broken = join(mkdtempSync(join(tmpdir(), 'rebar-policy-')), 'event_retention_policy.csv');
  writeFileSync(broken, 'event_category,retention_years\ninteraction,1 year\n');
  assert.throws(
    () => checkRetentionPolicy(pruned, broken),
    new RegExp(`${broken} line 2: retention_years must be a whole number`),
  );
});

test("cutoffs are the start of the run's UTC day, whole calendar years back; 29 February steps back to the 28th", () => {
  const policy = [
    { category: 'interaction', retentionYears: 1 },
    { category: 'transaction', retentionYears: 7 },
  ];
  assert.deepEqual(retentionCutoffs(policy, new Date('2026-11-24T16:21:40.123Z')), [
    { category: 'interaction', retentionYears: 1, cutoff: '2025-11-24T00:00:00.000Z' },
    { category: 'transaction', retentionYears: 7, cutoff: '2019-11-24T00:00:00.000Z' },
  ]);
  assert.deepEqual(
    retentionCutoffs(policy, new Date('2026-11-24T00:00:00.000Z')),
    retentionCutoffs(policy, new Date('2026-11-24T23:59:59.999Z')),
    'one cutoff for the whole day',
  );
  assert.equal(retentionCutoffs(policy, new Date('2028-02-29T01:00:00Z'))[0]?.cutoff, '2027-02-28T00:00:00.000Z');
  assert.equal(
    retentionCutoffs([{ category: 'x', retentionYears: 4 }], new Date('2028-02-29T01:00:00Z'))[0]?.cutoff,
    '2024-02-29T00:00:00.000Z',
  );
});
