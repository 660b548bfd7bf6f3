import pg from 'pg';
import { quoteIdent } from '../kernel/sqlIdentifiers.js';
import { CdcSetupError } from './cdcErrors.js';

/** What the source says of Rebar's slot. */
export interface SlotState {
  /** Where the next read starts: everything before it has been loaded (and confirmed). */
  confirmedFlush: string;
  /** WAL from here on is kept for the slot: its start, minus nothing Rebar can release. */
  restartLsn: string | null;
  /** Postgres' verdict on the WAL the slot needs: reserved, extended, unreserved or lost. */
  walStatus: string | null;
  /** Bytes of WAL the slot holds on the source's disk (current WAL position minus restart_lsn). */
  retainedBytes: number;
  /** Bytes of WAL since confirmedFlush: changes the slot has not been confirmed for. */
  unreadBytes: number;
}

/** Logical decoding needs wal_level = logical; anything else fails here with the change to make. */
export async function checkWalLevel(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ wal_level: string }>('show wal_level');
  const level = rows[0]?.wal_level;
  if (level !== 'logical')
    throw new CdcSetupError(
      `Tables in mode cdc need the source's wal_level = logical (it is ${level}). Run ALTER SYSTEM SET wal_level = logical as a superuser (on a managed service, its logical replication setting) and restart Postgres; see docs/cdc.md.`,
    );
}

export async function readSlotState(client: pg.ClientBase, slot: string): Promise<SlotState | undefined> {
  const { rows } = await client.query<{
    plugin: string;
    confirmed_flush: string | null;
    restart_lsn: string | null;
    wal_status: string | null;
    retained: string | null;
    unread: string | null;
  }>(
    `select plugin, confirmed_flush_lsn::text as confirmed_flush, restart_lsn::text as restart_lsn, wal_status,
            pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text as retained,
            pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text as unread
       from pg_replication_slots where slot_name = $1 and database = current_database()`,
    [slot],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.plugin !== 'pgoutput' || row.confirmed_flush === null)
    throw new CdcSetupError(
      `Replication slot ${slot} exists but is not a logical pgoutput slot Rebar created (plugin ${row.plugin}). Set REBAR_CDC_SLOT to another name, or drop it if nothing else uses it.`,
    );
  return {
    confirmedFlush: row.confirmed_flush,
    restartLsn: row.restart_lsn,
    walStatus: row.wal_status,
    retainedBytes: Number(row.retained ?? 0),
    unreadBytes: Number(row.unread ?? 0),
  };
}

/** A slot just created, with the snapshot of the moment it starts from; close() ends the snapshot. */
export interface CreatedSlot {
  consistentPoint: string;
  /** For SET TRANSACTION SNAPSHOT: valid until close(). */
  snapshotName: string;
  close(): Promise<void>;
}

/**
 * Creates the slot over a replication connection and exports the snapshot it starts at: a copy
 * taken in that snapshot plus every change the slot decodes is the table, nothing twice or missing.
 */
export async function createSlotWithSnapshot(sourceUrl: string, slot: string): Promise<CreatedSlot> {
  const replication = new pg.Client({
    connectionString: sourceUrl,
    replication: 'database',
    application_name: 'rebar-cdc-slot',
  } as pg.ClientConfig);
  await replication.connect();
  try {
    const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput (SNAPSHOT 'export')`,
    );
    const created = rows[0];
    if (!created) throw new Error(`Creating replication slot ${slot} returned nothing`);
    return {
      consistentPoint: created.consistent_point,
      snapshotName: created.snapshot_name,
      close: () => replication.end().catch(() => undefined),
    };
  } catch (error) {
    await replication.end().catch(() => undefined);
    throw privilegeError(error, `create the replication slot ${slot}`, 'ALTER ROLE <rebar role> REPLICATION');
  }
}

/** Confirms everything before `lsn` as loaded: the source may recycle that WAL. */
export async function advanceSlot(client: pg.ClientBase, slot: string, lsn: string): Promise<void> {
  await client.query('select pg_replication_slot_advance($1, $2::pg_lsn)', [slot, lsn]);
}

/** A slot whose WAL is gone (wal_status lost) cannot be read again; dropped so a new one can start. */
export async function dropSlot(client: pg.ClientBase, slot: string): Promise<void> {
  await client.query('select pg_drop_replication_slot($1)', [slot]);
}

/** Postgres' "permission denied" as what to grant, other errors as they are. */
export function privilegeError(error: unknown, what: string, grant: string): unknown {
  const code = (error as { code?: string }).code;
  if (code !== '42501') return error;
  return new CdcSetupError(
    `Rebar's source role may not ${what}: ${(error as Error).message}. Have an administrator run: ${grant} (docs/cdc.md lists the privileges mode cdc needs).`,
  );
}
