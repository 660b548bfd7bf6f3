import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { DbtBuildHeartbeat } from '../runs/runProgress.js';

/**
 * dbt's nodes done of the build's total, from the running runDbtBuild activity's last heartbeat as
 * the server holds it (describe's pending activities). Read here rather than through the workflow's
 * progress query because a workflow never sees its activities' heartbeats, and signalling the
 * workflow once per node would write ~2 history events per dbt node into every run's history.
 * undefined while no build runs or it has not finished a node yet.
 */
export async function dbtNodeProgress(handle: WorkflowHandle): Promise<{ done: number; total: number } | undefined> {
  const description = await handle.describe();
  const build = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === 'runDbtBuild');
  const payload = build?.heartbeatDetails?.payloads?.[0];
  if (!payload) return undefined;
  const heartbeat = defaultPayloadConverter.fromPayload<DbtBuildHeartbeat | undefined>(payload);
  if (typeof heartbeat?.finished !== 'number' || typeof heartbeat.total !== 'number') return undefined;
  return { done: heartbeat.finished, total: heartbeat.total };
}
