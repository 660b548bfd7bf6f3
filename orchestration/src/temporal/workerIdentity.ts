import { hostname } from 'node:os';

export type WarehouseTarget = 'duckdb' | 'snowflake';

/** How a Rebar worker names itself to Temporal: pid@host, and the warehouse it writes. */
export function workerIdentity(target: WarehouseTarget, pid = process.pid, host = hostname()): string {
  return `${pid}@${host} rebar/${target}`;
}

/** A poller of the task queue, as Temporal lists it. */
export interface QueuePoller {
  identity: string;
  lastAccessTime: Date | undefined;
}

// Pollers wait up to a minute on the server; one not seen for longer than this has stopped polling.
const LIVE_WITHIN_MS = 90_000;

/**
 * The other workers on the task queue that this one must not run beside: with the DuckDB target,
 * any (its warehouse is a file on this machine: a second worker would load tables into another file),
 * and for a Snowflake worker, a DuckDB one. Pollers not seen lately, and this host's workers whose
 * process is gone (a killed predecessor), do not count.
 */
export function conflictingWorkers(input: {
  ours: { target: WarehouseTarget; pid: number; host: string };
  pollers: QueuePoller[];
  now: Date;
  isRunningHere: (pid: number) => boolean;
}): string[] {
  const { ours } = input;
  const conflicts = new Set<string>();
  for (const poller of input.pollers) {
    const parsed = /^(\d+)@(\S+?)(?: rebar\/(duckdb|snowflake))?$/.exec(poller.identity);
    const pid = parsed ? Number(parsed[1]) : undefined;
    const host = parsed?.[2];
    const target = parsed?.[3] as WarehouseTarget | undefined;
    if (pid === ours.pid && host === ours.host) continue;
    if (poller.lastAccessTime && input.now.getTime() - poller.lastAccessTime.getTime() > LIVE_WITHIN_MS) continue;
    if (host === ours.host && pid !== undefined && !input.isRunningHere(pid)) continue;
    if (ours.target === 'duckdb' || target === 'duckdb') conflicts.add(poller.identity);
  }
  return [...conflicts];
}
