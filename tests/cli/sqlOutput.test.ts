import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, test } from 'vitest';
import { runCli } from '../support/runCli.js';

// A published file made directly with DuckDB: these tests are about how `rebar sql` writes values,
// not about the nightly that usually makes the file, so they need no Postgres, Temporal or dbt.
let env: Record<string, string>;
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'rebar-sql-output-'));
  env = { REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn' };
  const instance = await DuckDBInstance.create(join(stateDir, 'analytics.duckdb'));
  const connection = await instance.connect();
  await connection.run(`create schema marts;
    create table marts.amounts as select * from (values
      (1, 12345678901234.56::decimal(18,2), 9007199254740993::bigint, 170141183460469231731687303715884105727::hugeint, -0.05::decimal(4,2), 1.5::double, 'a "quoted", text'),
      (2, 0.10::decimal(18,2), (-9223372036854775807)::bigint, -1::hugeint, 99.99::decimal(4,2), null, null)
    ) as t(id, amount, big, huge, small, ratio, note);`);
  connection.closeSync();
  instance.closeSync();
});

async function sql(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['sql', ...args], env);
}

test('`rebar sql --format json` writes DECIMAL, BIGINT and HUGEINT values as JSON numbers with their exact digits', async () => {
  const result = await sql([
    "select amount, big, huge, small, ratio, note, [amount] as amounts, {'total': amount} as nested from marts.amounts order by id",
    '--format',
    'json',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    '[{"amount":12345678901234.56,"big":9007199254740993,"huge":170141183460469231731687303715884105727,"small":-0.05,"ratio":1.5,"note":"a \\"quoted\\", text","amounts":[12345678901234.56],"nested":{"total":12345678901234.56}},' +
      '{"amount":0.10,"big":-9223372036854775807,"huge":-1,"small":99.99,"ratio":null,"note":null,"amounts":[0.10],"nested":{"total":0.10}}]\n',
  );
  assert.deepEqual(
    (JSON.parse(result.stdout) as { amount: number }[]).map((row) => typeof row.amount),
    ['number', 'number'],
    'valid JSON, numbers not strings',
  );

  const lines = await sql(['select id, amount from marts.amounts order by id', '--format', 'jsonl']);
  assert.equal(lines.stdout, '{"id":1,"amount":12345678901234.56}\n{"id":2,"amount":0.10}\n');
});

test('`rebar sql --output` takes the format from the file extension; a contradicting --format or an unknown extension is refused', async () => {
  const written: [string, (text: string) => void][] = [
    ['top.csv', (text) => assert.equal(text, 'id,amount\n1,12345678901234.56\n2,0.10\n')],
    [
      'top.json',
      (text) => assert.equal(text.replace(/\s/g, ''), '[{"id":1,"amount":12345678901234.56},{"id":2,"amount":0.10}]'),
    ],
    ['top.jsonl', (text) => assert.equal(text, '{"id":1,"amount":12345678901234.56}\n{"id":2,"amount":0.10}\n')],
    ['top.NDJSON', (text) => assert.equal(text, '{"id":1,"amount":12345678901234.56}\n{"id":2,"amount":0.10}\n')],
  ];
  for (const [name, check] of written) {
    const file = join(stateDir, name);
    const result = await sql(['select id, amount from marts.amounts order by id', '--output', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`Wrote .*${name} \\((csv|json|jsonl)\\)`));
    check(readFileSync(file, 'utf8'));
  }

  const parquet = join(stateDir, 'top.parquet');
  const wrote = await sql(['select id, amount from marts.amounts order by id', '--output', parquet]);
  assert.equal(wrote.code, 0, wrote.stderr);
  assert.match(wrote.stdout, /Wrote .*top\.parquet \(parquet\)/);
  assert.equal(readFileSync(parquet).subarray(0, 4).toString(), 'PAR1', 'a Parquet file, not CSV text');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const read = (
    await connection.runAndReadAll(`select id, amount::varchar as amount from '${parquet}' order by id`)
  ).getRowsJS();
  connection.closeSync();
  instance.closeSync();
  assert.deepEqual(read, [
    [1, '12345678901234.56'],
    [2, '0.10'],
  ]);

  const refused: [string[], RegExp][] = [
    [
      ['--output', join(stateDir, 'bad.parquet'), '--format', 'csv'],
      /--format csv contradicts --output .*bad\.parquet, whose extension \.parquet means parquet/,
    ],
    [
      ['--output', join(stateDir, 'bad.xlsx')],
      /Cannot tell the format of --output .*bad\.xlsx from its extension: name the file \.csv, \.parquet, \.json, \.jsonl, \.ndjson, or add --format csv\|json\|jsonl\|parquet/,
    ],
    [['--output', join(stateDir, 'bad.csv'), '--format', 'table'], /--format table prints to the terminal/],
  ];
  for (const [args, message] of refused) {
    const result = await sql(['select 1', ...args]);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace for a user error');
  }
  assert.ok(
    !existsSync(join(stateDir, 'bad.parquet')) &&
      !existsSync(join(stateDir, 'bad.xlsx')) &&
      !existsSync(join(stateDir, 'bad.csv')),
    'nothing written when refused',
  );
  // An unknown extension with an explicit format is the user's choice.
  const explicit = await sql([
    'select id from marts.amounts order by id',
    '--output',
    join(stateDir, 'ids.txt'),
    '--format',
    'csv',
  ]);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.equal(readFileSync(join(stateDir, 'ids.txt'), 'utf8'), 'id\n1\n2\n');
});
