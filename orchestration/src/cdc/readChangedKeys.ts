import type pg from 'pg';
import Cursor from 'pg-cursor';
import { PgoutputPlugin } from 'pg-logical-replication';
import { isBlankPadded } from '../extract/extractExpression.js';
import { describeTable } from '../extract/sourceRelation.js';
import type { SourceColumn } from '../kernel/sourceColumn.js';
import { sourceRelationOf, type CdcTableConfig } from '../kernel/tablesConfig.js';
import { lsnValue } from './lsn.js';

export interface ReadChangedKeysInput {
  slot: string;
  publication: string;
  /** Read transactions committed before this position only (the WAL's end when the run started). */
  upTo: string;
  /** Stop after the transaction in which this many changes have been read (a transaction is never split). */
  maxChanges: number;
  tables: readonly CdcTableConfig[];
  columns: ReadonlyMap<string, SourceColumn[]>;
  /** Per table, the position raw already holds its changes up to: earlier transactions are skipped for it. */
  positions: ReadonlyMap<string, string>;
}

/** The tables' keys that changed in a run of whole transactions. */
export interface ChangedKeys {
  /** Per table name: each changed key's values (as Postgres text), by the key's JSON. */
  keys: Map<string, Map<string, string[]>>;
  /** Tables truncated in these transactions: reloaded whole. */
  truncated: Set<string>;
  /** The end of the last transaction read: the slot may be confirmed up to here once these are loaded. Undefined: nothing left before upTo. */
  endLsn: string | undefined;
  changes: number;
  /** Bytes of decoded change data read. */
  bytes: number;
}

/**
 * Reads, without consuming, the slot's next transactions (pg_logical_slot_peek_binary_changes) and
 * keeps only which keys changed: their current rows are read from the tables afterwards, so a
 * value the log leaves out (unchanged TOAST) or lands differently never matters. Nothing is
 * confirmed here; the caller advances the slot once the changes are loaded.
 */
export async function readChangedKeys(client: pg.ClientBase, input: ReadChangedKeysInput): Promise<ChangedKeys> {
  const byRelation = new Map(
    input.tables.map((table) => [`${sourceRelationOf(table).schema}.${sourceRelationOf(table).table}`, table]),
  );
  const result: ChangedKeys = {
    keys: new Map(input.tables.map((table) => [table.name, new Map()])),
    truncated: new Set(),
    endLsn: undefined,
    changes: 0,
    bytes: 0,
  };
  // Keys leave as the COPY of the key columns would print them.
  await client.query("set timezone = 'UTC'; set datestyle = 'ISO, YMD'; set extra_float_digits = 3");
  const decoder = new PgoutputPlugin({ protoVersion: 1, publicationNames: [input.publication] });
  let skipping = new Set<string>();
  const cursor = client.query(
    new Cursor<{ data: Buffer }>(
      `select data from pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, $3, 'proto_version', '1', 'publication_names', $4)`,
      [input.slot, input.upTo, input.maxChanges, input.publication],
    ),
  );
  try {
    for (;;) {
      const rows = await cursor.read(2000);
      if (rows.length === 0) break;
      for (const { data } of rows) {
        result.bytes += data.length;
        const message = decoder.parse(data);
        switch (message.tag) {
          case 'relation':
            // Values stay Postgres' text (pg's parsers would turn timestamps into milliseconds).
            for (const column of message.columns) column.parser = (text: unknown) => text;
            break;
          case 'begin': {
            const commit = lsnValue(message.commitLsn ?? '0/0');
            skipping = new Set(
              [...input.positions].filter(([, position]) => commit < lsnValue(position)).map(([name]) => name),
            );
            break;
          }
          case 'commit':
            result.endLsn = message.commitEndLsn ?? result.endLsn;
            break;
          case 'truncate':
            for (const relation of message.relations) {
              const table = byRelation.get(`${relation.schema}.${relation.name}`);
              if (table && !skipping.has(table.name)) result.truncated.add(table.name);
            }
            break;
          case 'insert':
          case 'update':
          case 'delete': {
            const table = byRelation.get(`${message.relation.schema}.${message.relation.name}`);
            if (!table || skipping.has(table.name)) break;
            result.changes += 1;
            const keys = result.keys.get(table.name)!;
            const columns = input.columns.get(table.name) ?? [];
            const before = message.tag === 'insert' ? null : (message.key ?? message.old);
            const after = message.tag === 'delete' ? null : message.new;
            for (const tuple of [before, after])
              if (tuple) {
                const key = keyOf(table, columns, tuple);
                keys.set(JSON.stringify(key), key);
              }
            break;
          }
          default:
            break;
        }
      }
    }
  } finally {
    await cursor.close();
  }
  return result;
}

function keyOf(table: CdcTableConfig, columns: SourceColumn[], tuple: Record<string, unknown>): string[] {
  return table.primaryKey.map((name) => {
    const value = tuple[name];
    if (typeof value !== 'string')
      throw new Error(
        `A change of ${describeTable(table)} in the write-ahead log carries no value for primary-key column ${name}; its replica identity must include the primary key (docs/cdc.md).`,
      );
    const pgType = columns.find((column) => column.name === name)?.pgType ?? '';
    // Landed as text without the blank padding (extractExpression): the key must match raw's.
    return isBlankPadded(pgType) ? value.replace(/ +$/, '') : value;
  });
}
