import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import type { RunSummary } from '../runs/runSummary.js';
import type { PlanLoadInput, RecordRunInput } from './activities/types.js';

/**
 * One line per run a worker serves, from the activities every run goes through: planLoad (the run
 * started), recordRun (its verdict) and publishWarehouse (readers got it). A failed run's end is its
 * recordRun; a successful one ends when its publish succeeds. Activities, not a workflow interceptor,
 * because they run outside the workflow sandbox, once per attempt that really ran, never on replay.
 */
export function runLogInterceptor(log: (line: string) => void): ActivityInterceptorsFactory {
  // Runs recorded as successful, waiting for their publish: workflow id -> summary.
  const awaitingPublish = new Map<string, RunSummary>();
  return (context) => ({ inbound: new RunLogInbound(context, log, awaitingPublish) });
}

class RunLogInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly context: Context,
    private readonly log: (line: string) => void,
    private readonly awaitingPublish: Map<string, RunSummary>,
  ) {}

  async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
    const { activityType, attempt, workflowExecution } = this.context.info;
    const workflowId = workflowExecution?.workflowId ?? 'a standalone activity';
    if (activityType === 'planLoad' && attempt === 1) {
      const plan = input.args[0] as PlanLoadInput | undefined;
      this.log(`Run started: ${workflowId} (${plan?.window ? 'backfill' : 'nightly'}, ${runTrigger(workflowId)})`);
    }
    const result = await next(input as never);
    if (activityType === 'recordRun') {
      const summary = input.args[0] as RecordRunInput;
      if (summary.published) this.awaitingPublish.set(workflowId, summary);
      else {
        this.awaitingPublish.delete(workflowId);
        this.log(runEndLine(workflowId, summary));
      }
    }
    if (activityType === 'publishWarehouse') {
      const summary = this.awaitingPublish.get(workflowId);
      this.awaitingPublish.delete(workflowId);
      this.log(
        summary
          ? runEndLine(workflowId, summary)
          : `Run finished: ${workflowId} success, published (recorded by another worker)`,
      );
    }
    return result;
  }
}

/** Who started a run, from the workflow ids Rebar gives: schedules' `<scheduleId>-run-<time>`, the CLI's rebar-nightly-manual-/rebar-backfill-. */
export function runTrigger(workflowId: string): string {
  if (/^rebar-(nightly-manual|backfill)-/.test(workflowId)) return 'triggered from the CLI';
  if (/-run-\d{4}-\d{2}-\d{2}T/.test(workflowId))
    return `schedule ${workflowId.replace(/-run-\d{4}-\d{2}-\d{2}T.*$/, '')}`;
  return 'started by a Temporal client';
}

function runEndLine(workflowId: string, summary: RunSummary): string {
  const extracted = summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0);
  const written = summary.tables.reduce((sum, table) => sum + table.rowsWritten, 0);
  const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const published = summary.published ? 'published' : 'not published (readers keep the previous version)';
  return `Run finished: ${workflowId} ${summary.status}, ${extracted} rows extracted, ${written} written, ${seconds.toFixed(1)} s, ${published}`;
}
