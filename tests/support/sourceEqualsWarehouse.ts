import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import pg from 'pg';

/**
 * Does the warehouse hold exactly what the source holds? Written apart from Rebar's own reconcile
 * code on purpose, so a bug there cannot hide here: every row of every relation (tables, partitioned
 * parents, views, materialized views; never a partition on its own) in the given schemas is read from
 * Postgres as text and from DuckDB's raw layer (live rows only), each value brought to one canonical
 * form in TypeScript by its Postgres type, and the two multisets of rows compared. Keys play no part,
 * so keyless tables and duplicate rows are compared too.
 */
export interface TableDifference {
  table: string;
  sourceRows: number;
  warehouseRows: number;
  /** A column of the source that raw does not have. */
  missingColumns: string[];
  /** Canonical rows (JSON) the source holds more often than raw, and the other way round; first 5 each. */
  onlyInSource: string[];
  onlyInWarehouse: string[];
}

export interface SourceEqualsWarehouseInput {
  sourceUrl: string;
  warehousePath: string;
  schemas: string[];
  /** Only these Rebar table names (raw names); default every relation of the schemas. */
  tables?: string[];
}

interface SourceColumn {
  name: string;
  /** The type's name after resolving domains (typname: int4, bpchar, _text, …). */
  type: string;
  /** For arrays, the element's typname. */
  element: string | undefined;
}

interface SourceRelation {
  schema: string;
  table: string;
  rawName: string;
  columns: SourceColumn[];
}

/** The differing tables; an empty list means the warehouse equals the source. */
export async function sourceEqualsWarehouse(input: SourceEqualsWarehouseInput): Promise<TableDifference[]> {
  const source = new pg.Client({
    connectionString: input.sourceUrl,
    types: { getTypeParser: () => (text: string) => text },
  });
  await source.connect();
  const instance = await DuckDBInstance.create(input.warehousePath, { access_mode: 'READ_ONLY' });
  const warehouse = await instance.connect();
  try {
    await source.query(
      "set time zone 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'iso_8601'; set extra_float_digits = 3",
    );
    const relations = (await readRelations(source, input.schemas)).filter(
      (relation) => !input.tables || input.tables.includes(relation.rawName),
    );
    const differences: TableDifference[] = [];
    for (const relation of relations) {
      const rawColumns = new Set(
        (
          await warehouse.runAndReadAll(
            `select column_name from information_schema.columns where table_schema = 'raw' and table_name = '${relation.rawName.replaceAll("'", "''")}'`,
          )
        )
          .getRowObjectsJS()
          .map((row) => String(row.column_name)),
      );
      const present = relation.columns.filter((column) => rawColumns.has(column.name));
      const missingColumns =
        rawColumns.size === 0
          ? ['(the whole table)']
          : relation.columns.filter((column) => !rawColumns.has(column.name)).map((column) => column.name);
      const list = (quote: (name: string) => string) => present.map((column) => quote(column.name)).join(', ') || '1';
      const sourceRows = (
        await source.query({
          text: `select ${list(pgIdent)} from ${pgIdent(relation.schema)}.${pgIdent(relation.table)}`,
          rowMode: 'array',
        })
      ).rows as (string | null)[][];
      const sourceCanonical = sourceRows.map((row) =>
        JSON.stringify(present.map((column, index) => fromPostgresText(row[index] ?? null, column))),
      );
      let warehouseCanonical: string[] = [];
      if (rawColumns.size > 0) {
        const live = rawColumns.has('_rebar_deleted_at') ? ' where _rebar_deleted_at is null' : '';
        const rows = (
          await warehouse.runAndReadAll(`select ${list(duckIdent)} from raw.${duckIdent(relation.rawName)}${live}`)
        ).getRows();
        warehouseCanonical = rows.map((row) =>
          JSON.stringify(present.map((column, index) => fromDuckDbValue(row[index] ?? null, column))),
        );
      }
      const [onlyInSource, onlyInWarehouse] = multisetDifference(sourceCanonical, warehouseCanonical);
      if (missingColumns.length > 0 || onlyInSource.length > 0 || onlyInWarehouse.length > 0) {
        differences.push({
          table: relation.rawName,
          sourceRows: sourceCanonical.length,
          warehouseRows: warehouseCanonical.length,
          missingColumns,
          onlyInSource: onlyInSource.slice(0, 5),
          onlyInWarehouse: onlyInWarehouse.slice(0, 5),
        });
      }
    }
    return differences;
  } finally {
    warehouse.closeSync();
    instance.closeSync();
    await source.end();
  }
}

/** The Rebar (raw) names of every relation the comparison covers, for tests that check coverage. */
export async function sourceRelationNames(sourceUrl: string, schemas: string[]): Promise<string[]> {
  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  try {
    return (await readRelations(source, schemas)).map((relation) => relation.rawName);
  } finally {
    await source.end();
  }
}

async function readRelations(client: pg.Client, schemas: string[]): Promise<SourceRelation[]> {
  const { rows } = await client.query<{
    schema: string;
    table: string;
    column: string;
    type: string;
    element: string | null;
  }>(
    `select n.nspname as schema, c.relname as table, a.attname as column, base.typname as type, element.typname as element
       from pg_class as c
       join pg_namespace as n on n.oid = c.relnamespace
       join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type as declared on declared.oid = a.atttypid
       join pg_type as base on base.oid = case when declared.typtype = 'd' then declared.typbasetype else declared.oid end
       left join pg_type as element on element.oid = base.typelem and base.typcategory = 'A'
      where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
      order by n.nspname, c.relname, a.attnum`,
    [schemas],
  );
  const relations = new Map<string, SourceRelation>();
  for (const row of rows) {
    const key = `${row.schema}.${row.table}`;
    const relation = relations.get(key) ?? {
      schema: row.schema,
      table: row.table,
      rawName: row.schema === 'public' ? row.table : `${row.schema}__${row.table}`,
      columns: [],
    };
    relation.columns.push({ name: row.column, type: row.type, element: row.element ?? undefined });
    relations.set(key, relation);
  }
  return [...relations.values()];
}

type Canonical = string | null | Canonical[] | { [key: string]: Canonical };

/** A Postgres value (text form; UTC, ISO dates, ISO 8601 intervals) in its canonical form. */
function fromPostgresText(text: string | null, column: SourceColumn): Canonical {
  if (text === null) return null;
  if (column.element !== undefined)
    return parsePostgresArray(text).map((element) => canonicalArrayElement(element, column.element as string));
  switch (column.type) {
    case 'bpchar':
      return text.replace(/ +$/, '');
    case 'int2':
    case 'int4':
    case 'int8':
      return BigInt(text).toString();
    case 'numeric':
      return canonicalDecimal(text);
    case 'float4':
      return canonicalFloat(Math.fround(Number(text)));
    case 'float8':
      return canonicalFloat(Number(text));
    case 'bool':
      return text === 't' ? 'true' : 'false';
    case 'bytea':
      return text.slice(2).toLowerCase();
    case 'json':
    case 'jsonb':
      return canonicalJson(JSON.parse(text));
    case 'date':
      return text.includes('infinity') ? text : String(epochDays(text));
    case 'timestamp':
    case 'timestamptz':
      return text.includes('infinity') ? text : epochMicros(text).toString();
    case 'interval':
      return canonicalInterval(text);
    default:
      return text;
  }
}

/** A DuckDB value (raw layer) in the same canonical form, by the source column's Postgres type. */
function fromDuckDbValue(value: DuckDBValue, column: SourceColumn): Canonical {
  if (value === null) return null;
  if (column.element !== undefined) {
    // Arrays land as JSON text; a LIST would do as well.
    const elements: unknown =
      value instanceof DuckDBListValue
        ? value.items.map((item) => (item === null ? null : String(item)))
        : JSON.parse(String(value));
    return canonicalJsonArray(elements, column.element);
  }
  switch (column.type) {
    case 'bpchar':
      return String(value).replace(/ +$/, '');
    case 'int2':
    case 'int4':
    case 'int8':
      return BigInt(value as number | bigint).toString();
    case 'numeric':
      return canonicalDecimal(value instanceof DuckDBDecimalValue ? value.toString() : String(value));
    case 'float4':
    case 'float8':
      return canonicalFloat(Number(value));
    case 'bool':
      return value ? 'true' : 'false';
    case 'bytea':
      return value instanceof DuckDBBlobValue
        ? Buffer.from(value.bytes).toString('hex')
        : `not a blob: ${String(value)}`;
    case 'json':
    case 'jsonb':
      return canonicalJson(JSON.parse(String(value)));
    case 'date':
      return value instanceof DuckDBDateValue ? String(value.days) : `not a date: ${String(value)}`;
    case 'timestamp':
    case 'timestamptz':
      return value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue
        ? value.micros.toString()
        : `not a timestamp: ${String(value)}`;
    case 'interval':
      return value instanceof DuckDBIntervalValue
        ? `${value.months}|${value.days}|${value.micros}`
        : `not an interval: ${String(value)}`;
    case 'uuid':
      return value instanceof DuckDBUUIDValue ? value.toString() : String(value);
    default:
      return String(value);
  }
}

function canonicalArrayElement(element: PgArrayElement, elementType: string): Canonical {
  if (element === null) return null;
  if (Array.isArray(element)) return element.map((inner) => canonicalArrayElement(inner, elementType));
  if (elementType === 'bpchar') return element.replace(/ +$/, '');
  if (['int2', 'int4', 'int8'].includes(elementType)) return BigInt(element).toString();
  if (elementType === 'numeric') return canonicalDecimal(element);
  return element;
}

function canonicalJsonArray(elements: unknown, elementType: string): Canonical {
  if (!Array.isArray(elements)) return `not an array: ${JSON.stringify(elements)}`;
  return elements.map((element: unknown): Canonical => {
    if (element === null) return null;
    if (Array.isArray(element)) return canonicalJsonArray(element, elementType);
    return canonicalArrayElement(String(element), elementType);
  });
}

/** 10.50 -> 10.5, 3.00 -> 3, -0.0 -> 0; NaN and infinities as Postgres spells them. */
function canonicalDecimal(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return /^-0$/.test(trimmed) ? '0' : trimmed;
}

function canonicalFloat(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Objects with their keys sorted, so json's written order and jsonb's normal order compare equal. */
function canonicalJson(value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (typeof value === 'object') {
    const sorted: Record<string, Canonical> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = canonicalJson((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return `${typeof value}:${String(value)}`;
}

function epochDays(text: string): number {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/** '2025-01-02 03:04:05.123456+00' (UTC) or without offset -> microseconds since 1970-01-01. */
function epochMicros(text: string): bigint {
  const match = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:\+00)?$/.exec(text);
  if (!match)
    throw new Error(`sourceEqualsWarehouse: unexpected timestamp text ${text} (session time zone must be UTC)`);
  const [, year, month, day, hour, minute, second, fraction] = match;
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  return BigInt(millis) * 1000n + BigInt((fraction ?? '').padEnd(6, '0') || '0');
}

/** An ISO 8601 interval (P1Y2M3DT4H5M6.789S, parts may be negative) -> months|days|microseconds. */
function canonicalInterval(text: string): string {
  const match =
    /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(
      text,
    );
  if (!match) throw new Error(`sourceEqualsWarehouse: unexpected interval text ${text}`);
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => part ?? '0') as string[];
  const negative = (seconds as string).startsWith('-');
  const [whole, fraction = ''] = (seconds as string).replace('-', '').split('.');
  const secondMicros = BigInt(whole as string) * 1_000_000n + BigInt(fraction.padEnd(6, '0') || '0');
  const micros =
    BigInt(hours as string) * 3_600_000_000n +
    BigInt(minutes as string) * 60_000_000n +
    (negative ? -secondMicros : secondMicros);
  return `${Number(years) * 12 + Number(months)}|${Number(weeks) * 7 + Number(days)}|${micros}`;
}

type PgArrayElement = string | null | PgArrayElement[];

/** Parses Postgres' array text ({a,"b,c",NULL,{1,2}}): quotes, backslash escapes, NULL, nesting. */
export function parsePostgresArray(text: string): PgArrayElement[] {
  let position = text.startsWith('[') ? text.indexOf('=') + 1 : 0; // skip explicit bounds like [0:1]=
  const parseList = (): PgArrayElement[] => {
    const items: PgArrayElement[] = [];
    position += 1; // {
    if (text[position] === '}') {
      position += 1;
      return items;
    }
    for (;;) {
      if (text[position] === '{') items.push(parseList());
      else if (text[position] === '"') {
        let value = '';
        position += 1;
        while (text[position] !== '"') {
          if (text[position] === '\\') position += 1;
          value += text[position];
          position += 1;
        }
        position += 1;
        items.push(value);
      } else {
        let value = '';
        while (text[position] !== ',' && text[position] !== '}') {
          value += text[position];
          position += 1;
        }
        items.push(value === 'NULL' ? null : value);
      }
      if (text[position] === ',') {
        position += 1;
        continue;
      }
      position += 1; // }
      return items;
    }
  };
  return parseList();
}

function multisetDifference(left: string[], right: string[]): [string[], string[]] {
  const counts = new Map<string, number>();
  for (const row of left) counts.set(row, (counts.get(row) ?? 0) + 1);
  for (const row of right) counts.set(row, (counts.get(row) ?? 0) - 1);
  const onlyLeft: string[] = [];
  const onlyRight: string[] = [];
  for (const [row, count] of counts) {
    for (let i = 0; i < Math.abs(count); i += 1) (count > 0 ? onlyLeft : onlyRight).push(row);
  }
  return [onlyLeft.sort(), onlyRight.sort()];
}

function pgIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function duckIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
