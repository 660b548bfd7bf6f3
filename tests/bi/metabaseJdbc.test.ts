import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../support/projectRoot.js';
import { type PublishedDemo, dbtDescriptions, publishDemo } from './support/publishedDemo.js';
import {
  type Answer,
  assertPlantedAnswers,
  canonicalRows,
  metabaseDir,
  referenceAnswer,
  starterQuestions,
} from './support/starterQuestions.js';

// The Metabase path at the layer that runs here: the org.duckdb:duckdb_jdbc that Metabase's DuckDB
// driver (motherduckdb/metabase_duckdb_driver 1.5.5.0, the version docker-compose.yml pins) bundles,
// opening the published file read-only with that driver's connection properties, reading the
// descriptions with the driver's information_schema queries, and running every starter question.
const DUCKDB_JDBC_VERSION = '1.5.5.0';
const jar = join(projectRoot, '.jars', `duckdb_jdbc-${DUCKDB_JDBC_VERSION}.jar`);

interface ReaderOutput {
  engineVersion: string;
  readOnly: string;
  tables: {
    schema: string;
    table: string;
    description: string | null;
    columns: { name: string; type: string; description: string | null }[];
  }[];
  questions: Record<string, Answer>;
}

let demo: PublishedDemo;
let output: ReaderOutput;
let fileHashBefore: string;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

beforeAll(async () => {
  assert.ok(existsSync(jar), `${jar} is missing: run scripts/setup, which fetches it from Maven Central`);
  const classes = mkdtempSync(join(tmpdir(), 'rebar-jdbc-'));
  const compiled = await runCommand('javac', [
    '-d',
    classes,
    '-cp',
    jar,
    join(projectRoot, 'tests', 'bi', 'jdbc', 'MetabaseDuckDbReader.java'),
  ]);
  assert.equal(compiled.code, 0, compiled.stderr);

  demo = await publishDemo();
  fileHashBefore = sha256(demo.state.config.publishedPath);
  const run = await runCommand('java', [
    '-cp',
    `${jar}:${classes}`,
    'MetabaseDuckDbReader',
    demo.state.config.publishedPath,
    metabaseDir,
  ]);
  assert.equal(run.code, 0, `the JDBC reader failed:\n${run.stderr}`);
  output = JSON.parse(run.stdout) as ReaderOutput;
}, 900_000);

test(`duckdb_jdbc ${DUCKDB_JDBC_VERSION} opens the published file read-only and leaves it as it was`, () => {
  assert.equal(output.engineVersion, `v${DUCKDB_JDBC_VERSION.split('.').slice(0, 3).join('.')}`);
  assert.equal(output.readOnly, 'read_only');
  assert.equal(
    sha256(demo.state.config.publishedPath),
    fileHashBefore,
    'the file is byte for byte the same after the read',
  );
});

test('Metabase\'s sync sees the marts, the run history and _rebar.published only (docs/metabase.md, "Schemas")', () => {
  assert.deepEqual([...new Set(output.tables.map((table) => table.schema))].sort(), ['_rebar', 'marts']);
  const rebarTables = output.tables
    .filter((table) => table.schema === '_rebar')
    .map((table) => table.table)
    .sort();
  assert.deepEqual(rebarTables, ['published', 'run_models', 'run_source_freshness', 'run_tables', 'runs']);
});

test('every mart and every mart column carries its dbt description, as Metabase sync reads it', () => {
  const expected = dbtDescriptions(demo.state);
  const marts = output.tables.filter((table) => table.schema === 'marts');
  const dbtMarts = [...expected.keys()].filter((key) => key.startsWith('marts.')).sort();
  assert.deepEqual(
    marts.map((table) => `${table.schema}.${table.table}`).sort(),
    dbtMarts,
    'the published marts are the dbt marts',
  );
  for (const table of marts) {
    const model = expected.get(`${table.schema}.${table.table}`);
    assert.ok(model?.description, `${table.table} has a description in dbt`);
    assert.equal(table.description?.trim(), model.description.trim(), `${table.table}: table description`);
    for (const column of table.columns) {
      const description = model.columns.get(column.name);
      assert.ok(description, `${table.table}.${column.name} has a description in dbt`);
      assert.equal(column.description?.trim(), description.trim(), `${table.table}.${column.name}: column description`);
    }
  }
});

test("every starter question answers through JDBC exactly as on the project's DuckDB, with the planted answers", async () => {
  const questions = starterQuestions();
  assert.deepEqual(
    Object.keys(output.questions).sort(),
    questions.map((question) => question.name),
  );
  for (const question of questions) {
    const answer = output.questions[question.name] as Answer;
    const reference = await referenceAnswer(demo.state.config.publishedPath, question.sql);
    assert.ok(answer.rows.length > 0, `${question.name} returns rows`);
    assert.deepEqual(answer.columns, reference.columns, `${question.name}: columns`);
    assert.deepEqual(canonicalRows(answer), canonicalRows(reference), `${question.name}: values`);
  }
  assertPlantedAnswers(output.questions, demo.planted);
});
