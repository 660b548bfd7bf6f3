import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './activityDeps.js';
import type { PublishWarehouseInput, PublishWarehouseOutput } from './types.js';

/** Publishes the freshly built and tested warehouse to readers; repeating it publishes the same version again. */
export function createPublishWarehouse(deps: ActivityDeps) {
  return async function publishWarehouse(_input: PublishWarehouseInput): Promise<PublishWarehouseOutput> {
    // Copying a large warehouse takes a while: keep telling Temporal this worker is alive.
    const beat = setInterval(() => Context.current().heartbeat(), 1000);
    try {
      return await deps.loader.publish();
    } finally {
      clearInterval(beat);
    }
  };
}
