#!/usr/bin/env node
// Records every nightlyLoad history on a Temporal server as tests/fixtures/histories/<workflow id>.binpb.gz,
// for the replay test (tests/temporal/workflows/replay.test.ts). Binary protobuf, not the CLI's JSON:
// the SDK's JSON reader needs one copy of protobufjs, and this install holds several.
//   node scripts/record-histories.mjs 127.0.0.1:7233 [out dir]
// A finished run's server: `temporal server start-dev --db-filename <state>/temporal.db --port 7233`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;

const [address = '127.0.0.1:7233', outDir = 'tests/fixtures/histories'] = process.argv.slice(2);
const connection = await Connection.connect({ address });
try {
  const client = new Client({ connection });
  mkdirSync(outDir, { recursive: true });
  for await (const execution of client.workflow.list({ query: "WorkflowType = 'nightlyLoad'" })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const file = join(outDir, `${execution.workflowId}.binpb.gz`);
    writeFileSync(file, gzipSync(temporal.api.history.v1.History.encode(history).finish(), { level: 9 }));
    console.log(`${file}: ${history.events?.length ?? 0} events (${execution.status.name})`);
  }
} finally {
  await connection.close();
}
