import assert from 'node:assert/strict';
import { test } from 'vitest';
import { redactSecretsInText } from '../../orchestration/src/util/redact.js';

test('every URL password and password= setting in free text is masked; the rest is kept', () => {
  const text =
    "connect to postgres://rebar:s3cr3t@db:5432/app failed; retry postgresql://admin:p@ss/word@10.0.0.1/x; host=db password='hunter 2' user=me";
  const redacted = redactSecretsInText(text);
  for (const secret of ['s3cr3t', 'ss/word', 'hunter 2']) assert.ok(!redacted.includes(secret), redacted);
  assert.match(redacted, /postgres:\/\/rebar:\*\*\*@db:5432\/app failed/);
  assert.match(redacted, /user=me$/);
  assert.equal(
    redactSecretsInText('model.rebar.fct_alerts fail: 1 failing row at http://example.com/docs'),
    'model.rebar.fct_alerts fail: 1 failing row at http://example.com/docs',
  );
});
