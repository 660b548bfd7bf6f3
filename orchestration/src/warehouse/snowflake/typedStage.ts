import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { Binds } from './binds.js';
import { sfIdent } from './identifiers.js';
import { fromStagedText } from './types.js';

/** The staged VARCHAR columns converted to raw's types, under their raw names (a select list). */
export function typedColumns(columns: SourceColumn[]): string {
  return columns
    .map((column) => `${fromStagedText(sfIdent(column.name), column.pgType)} as ${sfIdent(column.name)}`)
    .join(', ');
}

/** The staged table as a typed subquery named `staged`. */
export function typedStage(stageTable: string, columns: SourceColumn[]): string {
  return `(select ${typedColumns(columns)} from ${quoteIdent(stageTable)}) as staged`;
}

/** `(a, b) > (c, d)` written out column by column (Snowflake has no row-value comparison). */
export function tupleGreater(left: string[], right: string[]): string {
  const [first, ...rest] = left;
  const [other, ...others] = right;
  if (first === undefined || other === undefined) return 'false';
  if (rest.length === 0) return `(${first} > ${other})`;
  return `(${first} > ${other} or (${first} = ${other} and ${tupleGreater(rest, others)}))`;
}

/** A Postgres text value (a watermark part), bound, as a value of the column's raw type. */
export function typedBind(value: string, column: SourceColumn | undefined, binds: Binds): string {
  return fromStagedText(binds.add(value), column?.pgType ?? 'text');
}
