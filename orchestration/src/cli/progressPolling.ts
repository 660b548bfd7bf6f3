import type { Connection, WorkflowHandle } from '@temporalio/client';
import { PROGRESS_QUERY, type RunProgress } from '../runs/runProgress.js';
import { dbtNodeProgress } from './dbtNodeProgress.js';
import type { ProgressReporter } from './progressReporter.js';

export interface ProgressPollingInput {
  handle: WorkflowHandle;
  /** The connection the handle's client uses: its deadline and abort signal bound each query. */
  connection: Connection;
  reporter: ProgressReporter;
  /** Told about a query that failed (the poll carries on); never thrown. */
  onError: (error: unknown) => void;
  intervalMs?: number;
  /** The most one query may take, the gRPC client's own retries included. */
  queryTimeoutMs?: number;
}

export interface ProgressPolling {
  /** Stops polling and resolves once no query is in flight: only then may the connection close. */
  stop(): Promise<void>;
}

/**
 * Polls a run's progress query and hands each answer to the reporter. One query at a time: the
 * next is scheduled when the last settles, so a slow server never piles them up.
 *
 * Why stop() waits: the gRPC client retries a failed call from a timer of its own. A query still
 * retrying when the CLI closed its connection made that timer start a call on the closed channel,
 * which throws "Channel has been shut down" outside any promise and killed `rebar nightly`. So
 * stop() aborts the query in flight and waits for it to settle; the deadline bounds that wait
 * (a retry past its deadline fails at once instead of retrying again).
 */
export function pollProgress(input: ProgressPollingInput): ProgressPolling {
  const intervalMs = input.intervalMs ?? 1_000;
  const queryTimeoutMs = input.queryTimeoutMs ?? 5_000;
  // One controller per query: the gRPC client leaves a listener on the signal it was given, so a
  // shared one collected a listener a second and Node warned (MaxListenersExceededWarning) on stderr.
  let abort = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const poll = () => {
    timer = undefined;
    abort = new AbortController();
    inFlight = input.connection
      .withDeadline(Date.now() + queryTimeoutMs, () =>
        input.connection.withAbortSignal(abort.signal, () => withDbtNodes(input.handle)),
      )
      .then((progress) => {
        if (!stopped) input.reporter.update(progress);
      })
      .catch((error: unknown) => {
        if (!stopped) input.onError(error);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(poll, intervalMs);
      });
  };
  timer = setTimeout(poll, intervalMs);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await inFlight;
    },
  };
}

/** The workflow's progress; while dbt builds, with its nodes done of the total from the build's heartbeat. */
async function withDbtNodes(handle: WorkflowHandle): Promise<RunProgress> {
  const progress = await handle.query<RunProgress>(PROGRESS_QUERY);
  if (progress.phase !== 'building') return progress;
  const nodes = await dbtNodeProgress(handle);
  return nodes ? { ...progress, dbtNodesDone: nodes.done, dbtNodesTotal: nodes.total } : progress;
}
