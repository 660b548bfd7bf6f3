import type { RetentionPeriod } from './retentionPolicy.js';

/** Rows of `category` whose timestamp is before `cutoff` (an ISO instant, UTC) are past retention. */
export interface RetentionCutoff {
  category: string;
  retentionYears: number;
  cutoff: string;
}

/**
 * Each category's cutoff: the start (00:00 UTC) of the run's day, that many calendar years back;
 * 29 February falls back to the 28th in a common year.
 *
 * Whole days rather than the run's exact time: every run and retry on the same day prunes at the
 * same cutoff, and a day's events are either all kept or all pruned, so the daily and hourly
 * platform rollups never hold a day that is half pruned. A row is kept at most a day longer.
 */
export function retentionCutoffs(policy: readonly RetentionPeriod[], now: Date): RetentionCutoff[] {
  return policy.map((period) => ({ ...period, cutoff: dayStartYearsBefore(now, period.retentionYears).toISOString() }));
}

function dayStartYearsBefore(now: Date, years: number): Date {
  const cutoff = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate()));
  // 29 February minus a year rolled over into March: step back to the last day of February.
  if (cutoff.getUTCMonth() !== now.getUTCMonth()) cutoff.setUTCDate(0);
  return cutoff;
}
