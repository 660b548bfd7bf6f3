import { ApplicationFailure } from '@temporalio/activity';
import { checkSource, SourceCredentialsError } from '../../source/checkSource.js';
import type { ActivityDeps } from './activityDeps.js';
import type { PlanLoadInput, PlanLoadOutput } from './types.js';

export function createPlanLoad(deps: ActivityDeps) {
  return async function planLoad(input: PlanLoadInput): Promise<PlanLoadOutput> {
    const configured = deps.tables.map((table) => table.name);
    const unknown = (input.tables ?? []).filter((name) => !configured.includes(name));
    if (unknown.length > 0) {
      throw ApplicationFailure.nonRetryable(`Unknown table(s) ${unknown.join(', ')}: configured tables are ${configured.join(', ')}`, 'UnknownTable');
    }
    try {
      await checkSource(deps.sourceUrl);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Wrong credentials will not fix themselves; a source that is down may come back (retried with backoff).
      if (error instanceof SourceCredentialsError) throw ApplicationFailure.nonRetryable(message, 'SourceCredentials');
      throw ApplicationFailure.retryable(message, 'SourceUnreachable');
    }
    return { tables: input.tables ?? configured, parallelism: deps.config.extractParallelism };
  };
}
