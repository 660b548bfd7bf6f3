import type { ActivityDeps } from './activityDeps.js';
import type { RecordRunInput, RecordRunOutput } from './types.js';

/** Writes the run summary to the warehouse's run history (replaces any earlier attempt's rows). */
export function createRecordRun(deps: ActivityDeps) {
  return async function recordRun(input: RecordRunInput): Promise<RecordRunOutput> {
    await deps.loader.recordRun(input);
    return { recorded: true };
  };
}
