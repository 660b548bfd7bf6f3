import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlantedAnswers } from '../../../orchestration/src/source/generator/index.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { projectRoot } from '../../support/projectRoot.js';

/** One starter question's answer as a BI tool shows it: column names and rows of plain values. */
export interface Answer {
  columns: string[];
  rows: unknown[][];
}

export const metabaseDir = join(projectRoot, 'metabase');

/** The starter questions, metabase/*.sql, by name. */
export function starterQuestions(): { name: string; sql: string }[] {
  return readdirSync(metabaseDir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.sql'.length), sql: readFileSync(join(metabaseDir, file), 'utf8') }));
}

/** The reference answer: the question run read-only on the published file by the project's own DuckDB. */
export async function referenceAnswer(publishedPath: string, sql: string): Promise<Answer> {
  const rows = await queryDuckDb(publishedPath, sql);
  const columns = Object.keys(rows[0] ?? {});
  return { columns, rows: rows.map((row) => columns.map((column) => row[column])) };
}

/**
 * A value as text the way every reader can agree on: numbers to 6 decimals (a double from one
 * engine, an exact decimal from another), dates as YYYY-MM-DD, booleans as true/false.
 * Values that are not the same after this differ in what they say, not in how they are typed.
 */
export function canonical(value: unknown): string {
  // SQL Lab's grid shows a SQL null as the text NULL.
  if (value === null || value === undefined || value === '' || value === 'NULL') return 'null';
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof value === 'boolean') return String(value);
  const text = String(value).replace(/,/g, '');
  if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text.trim())) return Number(text).toFixed(6);
  return text.replace(/[T ]00:00:00(\.0+)?$/, '');
}

export function canonicalRows(answer: Answer): string[][] {
  return answer.rows.map((row) => row.map(canonical));
}

/** The planted answers of the demo generator, as the starter questions must show them. */
export function assertPlantedAnswers(answers: Record<string, Answer>, planted: PlantedAnswers): void {
  const cell = (name: string, row: number, column: string) => {
    const answer = answers[name];
    assert.ok(answer, `no answer for ${name}`);
    const index = answer.columns.indexOf(column);
    assert.ok(index >= 0, `${name} has no column ${column}: ${answer.columns.join(', ')}`);
    return answer.rows[row]?.[index];
  };
  assert.equal(
    Number(cell('burn_rate', 0, 'project_id')),
    planted.overBudgetProjectId,
    'burn_rate: the planted over-budget project first',
  );
  assert.equal(
    canonical(cell('burn_rate', 0, 'is_burning_over_threshold')),
    'true',
    'burn_rate: the planted project burns over 1.2',
  );
  assert.equal(
    Number(cell('foreman_performance', 0, 'foreman_user_id')),
    planted.fastForemanId,
    'foreman_performance: the planted fast foreman first',
  );
  if (planted.lateProjectId !== null) {
    const progress = answers.project_progress;
    assert.ok(progress);
    const late = progress.rows.find(
      (row) => Number(row[progress.columns.indexOf('project_id')]) === planted.lateProjectId,
    );
    assert.equal(
      canonical(late?.[progress.columns.indexOf('is_behind_schedule')]),
      'true',
      'project_progress: the planted late project behind schedule',
    );
  }
}
