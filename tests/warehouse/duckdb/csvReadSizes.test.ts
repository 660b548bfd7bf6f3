import assert from 'node:assert/strict';
import { test } from 'vitest';
import { csvReadSizes } from '../../../orchestration/src/warehouse/duckdb/stageFile.js';

const MiB = 1024 * 1024;

test("read_csv's buffer follows the file, up to DuckDB's 16 rows of 256 MB", () => {
  assert.deepEqual(csvReadSizes(0), { maxLineSize: 2 * MiB, bufferSize: 2 * MiB });
  assert.deepEqual(csvReadSizes(30 * MiB), { maxLineSize: 30 * MiB + 1, bufferSize: 30 * MiB + 1 });
  assert.deepEqual(csvReadSizes(1024 * MiB), { maxLineSize: 256 * MiB, bufferSize: 1024 * MiB + 1 });
  assert.deepEqual(csvReadSizes(10_000 * MiB), { maxLineSize: 256 * MiB, bufferSize: 4096 * MiB });
});
