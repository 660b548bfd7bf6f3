import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './activityDeps.js';
import type { PlanLoadInput, PlanLoadOutput } from './types.js';

export function createPlanLoad(deps: ActivityDeps) {
  return async function planLoad(input: PlanLoadInput): Promise<PlanLoadOutput> {
    const configured = deps.tables.map((table) => table.name);
    const unknown = (input.tables ?? []).filter((name) => !configured.includes(name));
    if (unknown.length > 0) {
      throw ApplicationFailure.nonRetryable(`Unknown table(s) ${unknown.join(', ')}: configured tables are ${configured.join(', ')}`, 'UnknownTable');
    }
    return { tables: input.tables ?? configured, parallelism: deps.config.extractParallelism };
  };
}
