import { ApplicationFailure, Context } from '@temporalio/activity';
import { isCursorTable, type IncrementalTableConfig } from '../../kernel/tablesConfig.js';
import { retentionCutoffs } from '../../retention/retentionCutoffs.js';
import { loadRetentionPolicy, RetentionPolicyError, type RetentionPeriod } from '../../retention/retentionPolicy.js';
import type { RetentionPruneResult } from '../../runs/retentionSummary.js';
import type { ActivityDeps } from './activityDeps.js';
import type { PruneRetentionInput, PruneRetentionOutput } from './types.js';

/**
 * Prunes raw rows past their category's retention, for the run's tables that configure retention.
 * The policy is read here, on every run, so an edited seed applies from the next run without
 * restarting a long-running worker. Cutoffs are taken from this attempt's clock: a retry a minute
 * later prunes at most a minute's worth more, and adds it to the same run's counts.
 */
export function createPruneRetention(deps: ActivityDeps) {
  return async function pruneRetention(input: PruneRetentionInput): Promise<PruneRetentionOutput> {
    const tables = input.tables.filter(
      (table): table is IncrementalTableConfig => isCursorTable(table) && table.retention !== undefined,
    );
    if (tables.length === 0) return { pruned: [] };
    let policy: RetentionPeriod[];
    try {
      policy = loadRetentionPolicy(deps.config.retentionPolicyPath);
    } catch (error) {
      // An edit will not fix itself by retrying; nothing has been deleted yet.
      if (error instanceof RetentionPolicyError)
        throw ApplicationFailure.nonRetryable(error.message, 'RetentionPolicyError');
      throw error;
    }
    const cutoffs = retentionCutoffs(policy, new Date());
    const beat = setInterval(() => Context.current().heartbeat(), 1000);
    try {
      const pruned: RetentionPruneResult[] = [];
      for (const table of tables) {
        const output = await deps.loader.pruneExpiredRows({ table, cutoffs, loadId: input.runId });
        for (const result of output.pruned) {
          const period = cutoffs.find((cutoff) => cutoff.category === result.category);
          pruned.push({
            table: table.name,
            category: result.category,
            retentionYears: period?.retentionYears ?? 0,
            cutoff: result.cutoff,
            rowsPruned: result.rowsPruned,
          });
        }
      }
      return { pruned };
    } finally {
      clearInterval(beat);
    }
  };
}
