import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * DuckDB allows one read-write process per file, and dbt (a subprocess), publish's copy, `rebar
 * reset` and other processes must be able to open the file between loads. So operations within
 * this process take turns, and the file is open only while some operation of this process is
 * queued for it: operations queued back to back (the extract phase's tables) share one open
 * instance, each with its own connection (temp tables and session settings stay per operation);
 * the last one in the queue closes it (a checkpoint), so once nothing is waiting nothing of this
 * process holds the file. Every write commits its own transaction to the WAL as before, so a
 * killed process loses nothing committed.
 */
const queues = new Map<string, Promise<unknown>>();
/** Operations of this process queued or running per file, the running one included. */
const waiting = new Map<string, number>();
const openInstances = new Map<string, OpenInstance>();
/** holdingOpen calls running per file: while any runs, the instance stays open between operations. */
const holds = new Map<string, number>();
/**
 * Held open, an instance is still closed (and the next operation opens a fresh one) after this many
 * operations: DuckDB keeps what it read and wrote cached while open, so one instance held through a
 * table's whole extraction grew the worker with the table (in process, 6M rows in 25 chunks: 950 MB
 * held throughout against 396 MB reopened per chunk). docs/benchmarks.md has the figures.
 */
const HELD_OPERATIONS_PER_INSTANCE = 8;

interface OpenInstance {
  instance: DuckDBInstance;
  /** Operations run on it so far. */
  operations: number;
  /** The onOpen steps already run on this instance (e.g. creating the _rebar tables). */
  prepared: Set<OnOpen>;
}

/** Runs once per opened instance before the first operation that names it, e.g. ensureMetadataTables. */
export type OnOpen = (connection: DuckDBConnection) => Promise<void>;

/** Instance settings, applied when an operation opens the file (an instance already open keeps its own). */
export interface DuckDbSettings {
  /** DuckDB's memory_limit, e.g. "512MB": beyond it DuckDB spills to a temporary directory beside the file. */
  memoryLimit?: string;
}

export async function withDuckDb<T>(
  path: string,
  work: (connection: DuckDBConnection) => Promise<T>,
  onOpen?: OnOpen,
  settings: DuckDbSettings = {},
): Promise<T> {
  return inQueue(path, async () => {
    let result: T;
    let open: OpenInstance;
    try {
      open = openInstances.get(path) ?? (await openInstance(path, settings));
      const connection = await open.instance.connect();
      try {
        if (onOpen && !open.prepared.has(onOpen)) {
          await onOpen(connection);
          open.prepared.add(onOpen);
        }
        result = await work(connection);
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      // Whatever failed may have left the instance in a bad state: the next operation opens a fresh one.
      closeInstance(path);
      throw error;
    }
    open.operations += 1;
    const held = holds.has(path) && open.operations < HELD_OPERATIONS_PER_INSTANCE;
    if ((waiting.get(path) ?? 0) <= 1 && !held) closeInstance(path);
    return result;
  });
}

/**
 * Keeps the file open between this process's operations while `work` runs, e.g. one table's chunks,
 * whose loads would otherwise each open the file, re-run the _rebar DDL and checkpoint on close.
 * Operations still take turns as ever; once `work` ends with nothing queued the file is closed.
 */
export async function holdingOpen<T>(path: string, work: () => Promise<T>): Promise<T> {
  holds.set(path, (holds.get(path) ?? 0) + 1);
  try {
    return await work();
  } finally {
    const left = (holds.get(path) ?? 1) - 1;
    if (left > 0) holds.set(path, left);
    else holds.delete(path);
    // Nothing queued means nothing runs on the instance (a running operation counts as queued).
    if (left === 0 && !waiting.has(path)) closeInstance(path);
  }
}

/**
 * Runs `work` while no other operation of this process touches the file and this process holds
 * no instance of it (e.g. to copy it whole, or to hand it to another process).
 */
export async function takeTurn<T>(path: string, work: () => Promise<T>): Promise<T> {
  return inQueue(path, () => {
    closeInstance(path);
    return work();
  });
}

/** Whether this process holds the file open now (for tests: false once nothing is queued for it). */
export function isHeldOpen(path: string): boolean {
  return openInstances.has(path);
}

async function openInstance(path: string, settings: DuckDbSettings): Promise<OpenInstance> {
  const options = settings.memoryLimit ? { memory_limit: settings.memoryLimit } : undefined;
  const open = { instance: await DuckDBInstance.create(path, options), operations: 0, prepared: new Set<OnOpen>() };
  openInstances.set(path, open);
  return open;
}

function closeInstance(path: string): void {
  const open = openInstances.get(path);
  if (!open) return;
  openInstances.delete(path);
  open.instance.closeSync();
}

async function inQueue<T>(path: string, work: () => Promise<T>): Promise<T> {
  waiting.set(path, (waiting.get(path) ?? 0) + 1);
  const previous = queues.get(path) ?? Promise.resolve();
  // Counted out within its turn, so the next operation's count never includes this one.
  const turn = previous
    .catch(() => undefined)
    .then(async () => {
      try {
        return await work();
      } finally {
        const left = (waiting.get(path) ?? 1) - 1;
        if (left > 0) waiting.set(path, left);
        else waiting.delete(path);
      }
    });
  queues.set(path, turn);
  try {
    return await turn;
  } finally {
    if (queues.get(path) === turn) queues.delete(path);
  }
}

/** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('begin transaction');
  try {
    const result = await work();
    await connection.run('commit');
    return result;
  } catch (error) {
    await connection.run('rollback').catch(() => undefined);
    throw error;
  }
}
