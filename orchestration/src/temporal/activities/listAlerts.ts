import { ALERTS_LISTED } from '../../runs/alertsSummary.js';
import type { ActivityDeps } from './activityDeps.js';
import type { ListAlertsInput, ListAlertsOutput } from './types.js';

/** Counts the open alerts the dbt build just produced and lists the first few: counts and messages, never the table. */
export function createListAlerts(deps: ActivityDeps) {
  return async function listAlerts(_input: ListAlertsInput): Promise<ListAlertsOutput> {
    return deps.loader.readAlerts({ limit: ALERTS_LISTED });
  };
}
