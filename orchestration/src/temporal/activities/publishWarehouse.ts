import { ApplicationFailure, Context } from '@temporalio/activity';
import { loadRebarFile } from '../../kernel/tablesConfig.js';
import { PublishRefusedError } from '../../warehouse/duckdb/lastBuild.js';
import { PublishSettingsError } from '../../warehouse/duckdb/publish.js';
import type { ActivityDeps } from './activityDeps.js';
import type { PublishWarehouseInput, PublishWarehouseOutput } from './types.js';

/**
 * Publishes the freshly built and tested warehouse to readers; repeating it publishes the same
 * version again. Refused, not retried, when this run is not the working warehouse's last recorded
 * successful build, or rebar.yml's publish: names a schema the warehouse lacks.
 */
export function createPublishWarehouse(deps: ActivityDeps) {
  return async function publishWarehouse(input: PublishWarehouseInput): Promise<PublishWarehouseOutput> {
    // Read when publishing: the worker validated the file at start-up, and this is the section in force.
    const settings = loadRebarFile(deps.config.tablesConfigPath).publish;
    // Copying a large warehouse takes a while: keep telling Temporal this worker is alive.
    const beat = setInterval(() => Context.current().heartbeat(), 1000);
    try {
      return await deps.loader.publish({ runId: input.runId, settings });
    } catch (error) {
      if (error instanceof PublishRefusedError || error instanceof PublishSettingsError)
        throw ApplicationFailure.nonRetryable(error.message, error.name);
      throw error;
    } finally {
      clearInterval(beat);
    }
  };
}
