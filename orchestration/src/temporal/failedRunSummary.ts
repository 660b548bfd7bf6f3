import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { RunSummary } from '../runs/runSummary.js';

/** A nightlyLoad that failed on purpose: its run summary and why it failed. */
export interface FailedRun {
  summary: RunSummary;
  failure: string;
}

/**
 * The run summary a nightlyLoad that failed on purpose (ApplicationFailure NightlyLoadFailed) carries
 * in its failure details; undefined for any other error. Details arrive as untyped JSON: the summary's
 * shape is checked, not assumed.
 */
export function failedRunOf(error: unknown): FailedRun | undefined {
  if (!(error instanceof WorkflowFailedError) || !(error.cause instanceof ApplicationFailure)) return undefined;
  if (error.cause.type !== 'NightlyLoadFailed') return undefined;
  const summary: unknown = error.cause.details?.[0];
  return isRunSummary(summary) ? { summary, failure: error.cause.message } : undefined;
}

function isRunSummary(value: unknown): value is RunSummary {
  return (
    typeof value === 'object' &&
    value !== null &&
    'runId' in value &&
    typeof value.runId === 'string' &&
    'status' in value &&
    typeof value.status === 'string' &&
    'tables' in value &&
    Array.isArray(value.tables) &&
    'models' in value &&
    Array.isArray(value.models) &&
    'published' in value &&
    typeof value.published === 'boolean'
  );
}
