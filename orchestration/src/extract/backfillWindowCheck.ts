import type pg from 'pg';
import {
  CursorWindowError,
  cursorKindOfPg,
  cursorWindowKind,
  type CursorWindow,
  type CursorWindowKind,
} from './cursorWindow.js';
import { readSourceColumns } from './sourceColumns.js';
import { isCursorTable, type TableConfig } from '../kernel/tablesConfig.js';

export interface BackfillWindowCheckInput {
  /** The tables the run would consider: the configured ones, or those --tables named. */
  tables: TableConfig[];
  window: CursorWindow;
  /** --tables was given: every named table must take the window, not only some. */
  tablesNamed: boolean;
}

const WINDOW_WORDS: Record<CursorWindowKind, string> = { time: 'dates/timestamps', integer: 'whole numbers' };
const EXAMPLE: Record<CursorWindowKind, string> = {
  time: '--from 2026-01-01 --to 2026-02-01',
  integer: '--from 1000 --to 2000',
};

/**
 * Refuses, before a backfill starts anything, a window the chosen tables' cursors cannot compare
 * with (whole numbers on a timestamp cursor, dates on a sequence): one message naming each such
 * table with its cursor's Postgres type. Without --tables a backfill reads only the tables the
 * window fits, so it is refused only when it fits none.
 */
export async function checkBackfillWindow(client: pg.ClientBase, input: BackfillWindowCheckInput): Promise<void> {
  const kind = cursorWindowKind(input.window);
  const cursors: { table: TableConfig; pgType: string; kind: CursorWindowKind | undefined }[] = [];
  for (const table of input.tables) {
    if (!isCursorTable(table)) {
      cursors.push({ table, pgType: `no cursor (mode ${table.mode})`, kind: undefined });
      continue;
    }
    const pgType =
      (await readSourceColumns(client, table)).find((column) => column.name === table.cursor)?.pgType ?? 'not found';
    cursors.push({ table, pgType, kind: cursorKindOfPg(pgType) });
  }
  const unfit = cursors.filter((cursor) => cursor.kind !== kind);
  if (unfit.length === 0 || (!input.tablesNamed && unfit.length < cursors.length)) return;
  const describe = (list: typeof cursors) =>
    list
      .map(({ table, pgType }) => `${table.name} (${isCursorTable(table) ? `${table.cursor}: ${pgType}` : pgType})`)
      .join(', ');
  const fitting = cursors.filter((cursor) => cursor.kind === kind).map((cursor) => cursor.table.name);
  const window = `${input.window.from} .. ${input.window.to}`;
  const other = kind === 'time' ? 'integer' : 'time';
  throw new CursorWindowError(
    input.tablesNamed
      ? `Backfill window ${window} is ${WINDOW_WORDS[kind]}, which cannot bound the cursor of ${describe(unfit)}: nothing was run. Give ${WINDOW_WORDS[other]} for ${unfit.length === 1 ? 'it' : 'them'} (e.g. ${EXAMPLE[other]}), or leave ${unfit.length === 1 ? 'it' : 'them'} out of --tables${fitting.length > 0 ? ` (this window fits ${fitting.join(', ')})` : ''}.`
      : `Backfill window ${window} is ${WINDOW_WORDS[kind]}, which no table's cursor takes: nothing was run. The cursors are ${describe(unfit)}; give ${WINDOW_WORDS[other]} (e.g. ${EXAMPLE[other]}) and --tables for the tables to re-read.`,
  );
}
