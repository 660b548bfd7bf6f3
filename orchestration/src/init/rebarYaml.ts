import type { DiscoveredTable } from '../extract/discoverTables.js';
import { isCursorTable, type DiscoverSettings } from '../kernel/tablesConfig.js';

/**
 * rebar.yml for a discovered source: every table with its schema, key, cursor, mode, soft delete
 * and hard-delete check, each choice explained in a comment above it; the dbt project next to it;
 * the discover settings used, so `rebar nightly --all` finds tables the same way.
 */
export function renderRebarYaml(input: {
  databaseName: string;
  sourceName: string;
  tables: DiscoveredTable[];
  discover: DiscoverSettings;
}): string {
  const lines = [
    `# Written by \`rebar init\` from database ${input.databaseName} (source ${input.sourceName}); edit freely.`,
    '# Each table: schema and name in the source, primary_key (rows merge on it), cursor (each run reads rows',
    '# changed since the last one), mode (merge, append for append-only logs, full_refresh: copied whole each',
    '# run), soft_delete, hard_delete_check_hours (0: a key pass finds rows deleted outright, every run).',
    '# The comment above each table says why discovery chose what it did (docs/init.md has the rules).',
    '# The dbt project that models these tables (staging views: rename only), relative to this file.',
    'dbt: { project_dir: dbt }',
    '# How `rebar init` and `rebar nightly --all` find tables: schemas, glob patterns on table or',
    '# schema.table, and the column names taken as a cursor or a soft-delete marker, in order of preference.',
    'discover:',
    `  schemas: ${flowList(input.discover.schemas)}`,
    `  include: ${flowList(input.discover.include)}`,
    `  exclude: ${flowList(input.discover.exclude)}`,
    `  cursor_columns: ${flowList(input.discover.cursorColumns)}`,
    `  soft_delete_columns: ${flowList(input.discover.softDeleteColumns)}`,
    input.tables.length === 0 ? 'tables: []' : 'tables:',
  ];
  for (const discovered of input.tables) lines.push(...tableLines(discovered));
  return `${lines.join('\n')}\n`;
}

function tableLines({ table, relationKind, reasons }: DiscoveredTable): string[] {
  const schema = table.source?.schema ?? 'public';
  const sourceName = table.source?.table ?? table.name;
  const lines = [
    `  # ${schema}.${sourceName} (${relationKind}) -> raw.${table.name}`,
    ...reasons.map((reason) => `  #   ${oneLine(reason)}`),
  ];
  lines.push(`  - name: ${scalar(sourceName)}`, `    schema: ${scalar(schema)}`);
  if (table.primaryKey.length > 0) lines.push(`    primary_key: ${flowList(table.primaryKey)}`);
  if (isCursorTable(table)) lines.push(`    cursor: ${scalar(table.cursor)}`);
  lines.push(`    mode: ${table.mode}`);
  if (table.softDelete) lines.push(`    soft_delete: ${scalar(table.softDelete)}`);
  if (table.hardDeleteCheckHours !== undefined)
    lines.push(`    hard_delete_check_hours: ${table.hardDeleteCheckHours}`);
  if (isCursorTable(table) && table.lookback !== undefined) lines.push(`    lookback: ${scalar(table.lookback)}`);
  if (table.excludeColumns) lines.push(`    exclude_columns: ${flowList(table.excludeColumns)}`);
  return lines;
}

/** A YAML scalar: plain when that cannot be misread (as a number, boolean, null or flow syntax), else double-quoted. */
function scalar(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

function flowList(values: string[]): string {
  return `[${values.map(scalar).join(', ')}]`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
