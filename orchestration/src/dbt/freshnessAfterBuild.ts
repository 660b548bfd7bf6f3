import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findProjectRoot } from '../config/projectRoot.js';

/**
 * `dbt source freshness` run by the build's own dbt process (build_then_freshness.py), which saves a
 * second start of dbt (~4 s of a demo nightly). The freshness activity takes its sources.json when
 * the selection matches what it was asked, and runs dbt itself otherwise.
 */
const SELECTION_FILE = 'rebar-freshness-selection.json';

export const buildThenFreshnessScript = () =>
  join(findProjectRoot(), 'orchestration', 'src', 'dbt', 'build_then_freshness.py');

/** dbt's selection for these tables; none (every source) when absent, or when a name cannot be selected as it is. */
export function freshnessSelection(tables: string[] | undefined): string[] {
  if (tables === undefined || tables.length === 0 || tables.some((table) => !/^[A-Za-z0-9_]+$/.test(table))) return [];
  return ['--select', ...tables.map((table) => `source:*.${table}`)];
}

/** The Python of dbt's own environment (a venv's bin/python beside bin/dbt), if there is one. */
export function pythonBesideDbt(dbtBin: string): string | undefined {
  const python = join(dirname(dbtBin), 'python');
  return existsSync(python) ? python : undefined;
}

interface Selection {
  /** The source tables checked; null: every source. */
  tables: string[] | null;
  checkedAt: string;
}

/** Forgets an earlier attempt's check, so that only this attempt's can be taken. */
export function clearFreshnessSelection(targetPath: string): void {
  rmSync(join(targetPath, SELECTION_FILE), { force: true });
}

/** Records what the build's process checked, once its sources.json is there. */
export function recordFreshnessSelection(targetPath: string, tables: string[] | undefined, checkedAt: Date): void {
  if (!existsSync(join(targetPath, 'sources.json'))) return;
  const selection: Selection = { tables: tables ?? null, checkedAt: checkedAt.toISOString() };
  writeFileSync(join(targetPath, SELECTION_FILE), JSON.stringify(selection));
}

/** When the build's process checked exactly these tables: when it did. */
export function freshnessCheckedByBuild(targetPath: string, tables: string[] | undefined): string | undefined {
  const file = join(targetPath, SELECTION_FILE);
  if (!existsSync(file) || !existsSync(join(targetPath, 'sources.json'))) return undefined;
  const selection = JSON.parse(readFileSync(file, 'utf8')) as Selection;
  const same = (a: string[] | null, b: string[] | null) =>
    JSON.stringify(a && [...a].sort()) === JSON.stringify(b && [...b].sort());
  return same(selection.tables, tables ?? null) ? selection.checkedAt : undefined;
}
