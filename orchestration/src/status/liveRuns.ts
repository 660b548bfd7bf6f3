import type { Client } from '@temporalio/client';
import { PROGRESS_QUERY, type RunProgress } from '../runs/runProgress.js';

const QUERY_TIMEOUT_MS = 5_000;

export interface LiveRun {
  workflowId: string;
  startedAt: string;
  /** Set by Temporal for runs a schedule started: the schedule id and the time the run was due. */
  scheduledBy: string | null;
  progress: RunProgress | null;
}

/** The nightlyLoad runs going on now, with where each is (its progress query), from Temporal's visibility. */
export async function listLiveRuns(client: Client): Promise<LiveRun[]> {
  const runs: LiveRun[] = [];
  for await (const execution of client.workflow.list({
    query: `WorkflowType = 'nightlyLoad' AND ExecutionStatus = 'Running'`,
  })) {
    // Bounded, the client's own retries included, so status never waits on a busy worker and no
    // retry outlives the connection the caller closes afterwards.
    const progress = await client.connection
      .withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        client.workflow.getHandle(execution.workflowId, execution.runId).query<RunProgress>(PROGRESS_QUERY),
      )
      // No worker is polling yet (or the run has not started its first task): no progress to show.
      .catch(() => null);
    const scheduledBy = execution.searchAttributes.TemporalScheduledById?.[0];
    runs.push({
      workflowId: execution.workflowId,
      startedAt: execution.startTime.toISOString(),
      scheduledBy: scheduledBy === undefined ? null : String(scheduledBy),
      progress,
    });
  }
  return runs;
}
