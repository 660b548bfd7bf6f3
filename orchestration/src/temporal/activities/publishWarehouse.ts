import type { ActivityDeps } from './activityDeps.js';
import type { PublishWarehouseInput, PublishWarehouseOutput } from './types.js';

/** Publishes the freshly built and tested warehouse to readers; repeating it publishes the same version again. */
export function createPublishWarehouse(deps: ActivityDeps) {
  return async function publishWarehouse(_input: PublishWarehouseInput): Promise<PublishWarehouseOutput> {
    return deps.loader.publish();
  };
}
