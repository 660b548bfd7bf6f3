import assert from 'node:assert/strict';
import { test } from 'vitest';
import { canonicalFloat, canonicalJson } from '../../orchestration/src/reconcile/canonicalValues.js';

test('floats: Postgres and DuckDB spellings of one double are one text; different doubles stay different', () => {
  const same: [postgres: string, duckdb: string][] = [
    ['NaN', 'nan'],
    ['Infinity', 'inf'],
    ['-Infinity', '-inf'],
    ['-0', '-0.0'],
    ['1e+20', '100000000000000000000.0'],
    ['0.1', '0.1'],
    ['1.1754943508222875e-38', '1.1754943508222875e-38'],
  ];
  for (const [postgres, duckdb] of same)
    assert.equal(canonicalFloat(postgres), canonicalFloat(duckdb), `${postgres} vs ${duckdb}`);
  assert.notEqual(canonicalFloat('-0'), canonicalFloat('0'));
  assert.notEqual(canonicalFloat('0.1'), canonicalFloat('0.10000000000000002'));
  assert.notEqual(canonicalFloat('NaN'), canonicalFloat('Infinity'));
});

test('JSON: key order and whitespace do not matter; values, element order, number text and escapes do', () => {
  assert.equal(
    canonicalJson('{ "b" : {"z": [1, 2.50, null], "a": "\\u00fc"},\n "a": 1 }'),
    '{"a":1,"b":{"a":"ü","z":[1,2.50,null]}}',
  );
  assert.equal(canonicalJson('["a b", "c,d", null, "\\"q\\""]'), canonicalJson('["a b","c,d",null,"\\"q\\""]'));
  assert.notEqual(canonicalJson('[1, 2]'), canonicalJson('[2, 1]'));
  assert.notEqual(canonicalJson('{"a": "c,d"}'), canonicalJson('{"a": "c,e"}'));
  assert.notEqual(canonicalJson('[1.10]'), canonicalJson('[1.1]'));
  assert.equal(canonicalJson('[[1, null], [3, 4]]'), '[[1,null],[3,4]]');
  assert.equal(canonicalJson('not json {'), 'not json {', 'text that is not JSON compares as it is');
});
