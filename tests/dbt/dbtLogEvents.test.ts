import assert from 'node:assert/strict';
import { test } from 'vitest';
import { eventMessage, parseNodeResult } from '../../orchestration/src/dbt/dbtLogEvents.js';

// Lines as dbt-core 1.11 writes them with --log-format json --log-level info (trimmed to the fields read).
const line = (name: string, data: object, level = 'info', msg = '') =>
  JSON.stringify({ info: { name, level, msg }, data });

test('model, seed, test and unit-test results become node results with normalised statuses', () => {
  assert.deepEqual(
    parseNodeResult(
      line('LogModelResult', {
        status: 'OK',
        execution_time: 0.14,
        node_info: { unique_id: 'model.rebar.dim_area', resource_type: 'model', node_status: 'success' },
      }),
    ),
    {
      uniqueId: 'model.rebar.dim_area',
      resourceType: 'model',
      status: 'success',
      durationSeconds: 0.14,
      attachedNode: null,
      message: null,
    },
  );
  assert.equal(
    parseNodeResult(
      line('LogModelResult', {
        status: 'SUCCESS 1',
        node_info: { unique_id: 'model.rebar.stg_x', resource_type: 'model' },
      }),
    )?.status,
    'success',
    'dbt-snowflake reports the adapter response',
  );
  assert.equal(
    parseNodeResult(
      line('LogModelResult', { status: 'ERROR', node_info: { unique_id: 'model.rebar.x', resource_type: 'model' } }),
    )?.status,
    'error',
  );
  assert.equal(
    parseNodeResult(
      line('LogSeedResult', {
        status: 'success',
        result_message: 'INSERT 6',
        node_info: { unique_id: 'seed.rebar.labor_rates', resource_type: 'seed' },
      }),
    )?.message,
    'INSERT 6',
  );
  const failed = parseNodeResult(
    line('LogTestResult', {
      status: 'fail',
      num_failures: 3,
      attached_node: 'model.rebar.stg_rebar_source__areas',
      node_info: { unique_id: 'test.rebar.accepted_values_x', resource_type: 'test', node_status: 'fail' },
    }),
  );
  assert.deepEqual(
    [failed?.status, failed?.attachedNode, failed?.message],
    ['fail', 'model.rebar.stg_rebar_source__areas', '3 failing rows'],
  );
  const unit = parseNodeResult(
    line('LogTestResult', {
      status: 'pass',
      attached_node: '',
      node_info: { unique_id: 'unit_test.rebar.fct.case', resource_type: 'unit_test', node_status: 'None' },
    }),
  );
  assert.deepEqual([unit?.status, unit?.attachedNode], ['pass', null]);
  assert.equal(
    parseNodeResult(line('SkippingDetails', { node_info: { unique_id: 'model.rebar.y', resource_type: 'model' } }))
      ?.status,
    'skipped',
  );
});

test('other events and non-JSON lines are not node results; error text is kept without colour codes', () => {
  assert.equal(parseNodeResult(line('LogStartLine', { node_info: { unique_id: 'model.rebar.dim_area' } })), undefined);
  assert.equal(parseNodeResult('Traceback (most recent call last):'), undefined);
  assert.deepEqual(
    eventMessage(
      line(
        'RunResultError',
        {},
        'error',
        '\u001b[31mCatalog Error: Table with name injury_reports does not exist!\u001b[0m',
      ),
    ),
    {
      level: 'error',
      message: 'Catalog Error: Table with name injury_reports does not exist!',
    },
  );
});
