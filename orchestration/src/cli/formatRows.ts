/** Rows as an aligned text table, as a SQL prompt prints them. */
export function formatRows(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)));
  const render = (values: readonly string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join(' | ')
      .trimEnd();
  return [render(columns), widths.map((width) => '-'.repeat(width)).join('-+-'), ...cells.map(render)].join('\n');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
}
