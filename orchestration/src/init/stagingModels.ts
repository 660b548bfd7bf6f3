import { stringify } from 'yaml';
import type { DiscoveredTable } from '../extract/discoverTables.js';
import type { CatalogColumn } from '../extract/sourceCatalog.js';
import { isCursorTable, sourceRelationOf } from '../kernel/tablesConfig.js';
import { columnSql, isPlainIdentifier, snakeCase } from './names.js';

/** Rebar's own columns in every raw table that staging keeps. */
const LOAD_COLUMNS = [
  {
    raw: '_rebar_load_id',
    description: 'Identifier of the Rebar load run that last wrote this row into the warehouse.',
  },
  { raw: '_rebar_loaded_at', description: 'When the Rebar loader last wrote this row into the warehouse (UTC).' },
];

/** One staging column: the raw (source) name and the name staging gives it. */
interface StagedColumn {
  raw: string;
  staged: string;
  column: CatalogColumn;
}

/**
 * The staging layer for one source, as files relative to the dbt project: the sources file (raw
 * tables with their columns, freshness on a timestamp cursor), the models file (grain, every column
 * described, key tests) and one rename-only model per table.
 */
export function stagingModelFiles(sourceName: string, tables: DiscoveredTable[]): Record<string, string> {
  const folder = `models/staging/${sourceName}`;
  const files: Record<string, string> = {};
  const sources: unknown[] = [];
  const models: unknown[] = [];
  for (const discovered of tables) {
    const columns = stagedColumns(discovered);
    sources.push(sourceTable(discovered, columns));
    models.push(modelEntry(sourceName, discovered, columns));
    files[`${folder}/stg_${sourceName}__${discovered.table.name}.sql`] = modelSql(
      sourceName,
      discovered.table.name,
      columns,
    );
  }
  files[`${folder}/_${sourceName}__sources.yml`] = stringify(
    {
      version: 2,
      sources: [
        {
          name: sourceName,
          description: `The raw layer the Rebar loader writes for source ${sourceName}: one table per extracted source table (rebar.yml), with the source column names and mapped types plus _rebar_load_id, _rebar_loaded_at and _rebar_deleted_at.`,
          schema: 'raw',
          tables: sources,
        },
      ],
    },
    { lineWidth: 120 },
  );
  files[`${folder}/_${sourceName}__models.yml`] = stringify({ version: 2, models }, { lineWidth: 120 });
  return files;
}

function stagedColumns({ table, relation }: DiscoveredTable): StagedColumn[] {
  const excluded = new Set(table.excludeColumns ?? []);
  const used = new Set(LOAD_COLUMNS.map((column) => column.raw));
  const staged: StagedColumn[] = [];
  for (const column of relation?.columns ?? []) {
    if (excluded.has(column.name)) continue;
    // Two source names that snake_case alike (`OrderID`, `order_id`) keep apart by a suffix.
    let name = snakeCase(column.name);
    for (let suffix = 2; used.has(name); suffix += 1) name = `${snakeCase(column.name)}_${suffix}`;
    used.add(name);
    staged.push({ raw: column.name, staged: name, column });
  }
  return staged;
}

function describe({ table }: DiscoveredTable, { column }: StagedColumn, origin: string): string {
  const notes = [column.comment?.trim() || `Source column \`${column.name}\` (${column.pgType}) of ${origin}.`];
  if (table.primaryKey.length === 1 && table.primaryKey[0] === column.name) notes.push('Primary key.');
  else if (table.primaryKey.includes(column.name)) notes.push(`Part of the key (${table.primaryKey.join(', ')}).`);
  if (isCursorTable(table) && table.cursor === column.name)
    notes.push("Rebar's incremental cursor: each run reads rows past its last value.");
  if (table.softDelete === column.name)
    notes.push('Set when the row is soft-deleted in the source; such rows stay, with this set.');
  return notes.join(' ');
}

function sourceTable(discovered: DiscoveredTable, columns: StagedColumn[]): unknown {
  const { table, relation, relationKind } = discovered;
  const origin = originOf(discovered);
  const how =
    table.mode === 'cdc'
      ? `merged by ${table.primaryKey.join(', ')} from the write-ahead log (latest version wins)`
      : isCursorTable(table)
        ? `merged by ${table.primaryKey.join(', ')} on cursor ${table.cursor} (latest version wins)`
        : 'copied whole each run';
  const cursorColumn = isCursorTable(table)
    ? relation?.columns.find((column) => column.name === table.cursor)
    : undefined;
  return {
    name: table.name,
    // A raw table named with capitals or other characters is created quoted: refer to it quoted.
    ...(isPlainIdentifier(table.name) ? {} : { quoting: { identifier: true } }),
    description: `${relation?.comment ? `${relation.comment.trim()} ` : ''}${origin} (${relationKind}), ${how}.`,
    // As in the demo: how long ago Rebar last loaded a new or changed row (what `rebar status` and the
    // run summary report), not the app's own cursor, whose values may lag or lead the clock.
    ...(cursorColumn
      ? {
          config: {
            loaded_at_field: '_rebar_loaded_at',
            freshness: { warn_after: { count: 36, period: 'hour' }, error_after: { count: 72, period: 'hour' } },
          },
        }
      : {}),
    columns: [
      ...columns.map((column) => ({
        name: column.raw,
        ...(isPlainIdentifier(column.raw) ? {} : { quote: true }),
        description: describe(discovered, column, origin),
      })),
      ...LOAD_COLUMNS.map((column) => ({ name: column.raw, description: column.description })),
      {
        name: '_rebar_deleted_at',
        description:
          'When a hard-delete key pass found this row gone from the source (UTC); null while it exists there. Staging leaves such rows out.',
      },
    ],
  };
}

function modelEntry(sourceName: string, discovered: DiscoveredTable, columns: StagedColumn[]): unknown {
  const { table, relation } = discovered;
  const stagedKey = table.primaryKey.map(
    (key) => columns.find((column) => column.raw === key)?.staged ?? snakeCase(key),
  );
  const grain =
    stagedKey.length > 0
      ? `one row per ${stagedKey.join(' + ')}`
      : `one row per source row (no key: duplicates are kept as the source has them)`;
  const softDelete = table.softDelete
    ? `, including soft-deleted rows (${columns.find((column) => column.raw === table.softDelete)?.staged ?? table.softDelete} set)`
    : '';
  const comment = relation?.comment ? ` ${relation.comment.trim()}` : '';
  const keyTests =
    stagedKey.length > 1
      ? { data_tests: [{ unique_combination: { arguments: { columns: stagedKey.map(columnSql) } } }] }
      : {};
  return {
    name: `stg_${sourceName}__${table.name}`,
    description: `Grain: ${grain}${softDelete}.${comment} Renamed from raw.${table.name} (${originOf(discovered)}); rows a hard-delete key pass found gone from the source are left out.`,
    ...keyTests,
    columns: [
      ...columns.map((column) => ({
        name: column.staged,
        ...(isPlainIdentifier(column.staged) ? {} : { quote: true }),
        // A description taken from a Postgres comment does not name the column it came from.
        description: `${describe(discovered, column, originOf(discovered))}${column.raw === column.staged || !column.column.comment ? '' : ` Source column \`${column.raw}\`.`}`,
        ...(stagedKey.length === 1 && stagedKey[0] === column.staged ? { data_tests: ['unique', 'not_null'] } : {}),
      })),
      ...LOAD_COLUMNS.map((column) => ({ name: column.raw, description: column.description })),
    ],
  };
}

function modelSql(sourceName: string, rebarName: string, columns: StagedColumn[]): string {
  const selected = [
    ...columns.map(({ raw, staged }) =>
      raw === staged ? `        ${columnSql(raw)}` : `        ${columnSql(raw)} as ${columnSql(staged)}`,
    ),
    ...LOAD_COLUMNS.map((column) => `        ${column.raw}`),
  ];
  return `with

source as (

    select * from {{ source('${sourceName}', '${rebarName}') }}

),

renamed as (

    select
${selected.join(',\n')}

    from source
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select * from renamed

)

select * from final
`;
}

function originOf({ table }: DiscoveredTable): string {
  const relation = sourceRelationOf(table);
  return `${relation.schema}.${relation.table}`;
}
