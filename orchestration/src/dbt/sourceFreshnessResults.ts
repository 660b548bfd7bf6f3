import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SourceFreshnessResult } from '../runs/sourceFreshness.js';

const SECONDS_PER_PERIOD: Record<string, number> = { minute: 60, hour: 3_600, day: 86_400 };

const threshold = z
  .object({ count: z.number().nullable().optional(), period: z.string().nullable().optional() })
  .nullable()
  .optional();

const sourcesJson = z.object({
  metadata: z.object({ generated_at: z.string().optional() }).optional(),
  results: z.array(
    z.object({
      unique_id: z.string(),
      status: z.string(),
      max_loaded_at: z.string().nullable().optional(),
      max_loaded_at_time_ago_in_s: z.number().nullable().optional(),
      criteria: z.object({ warn_after: threshold, error_after: threshold }).nullable().optional(),
    }),
  ),
});

/** The per-table results of `dbt source freshness` (its target/sources.json artifact). */
export function readSourceFreshnessResults(sourcesJsonPath: string): SourceFreshnessResult[] {
  const parsed = sourcesJson.parse(JSON.parse(readFileSync(sourcesJsonPath, 'utf8')));
  return parsed.results.map((result) => {
    // dbt reports an empty table as loaded in year 1 and past every threshold: it has no age.
    const empty = !result.max_loaded_at || result.max_loaded_at.startsWith('0001-');
    return {
      // source.<project>.<source>.<table>
      table: result.unique_id.split('.').slice(3).join('.'),
      status: empty && result.status !== 'runtime error' ? 'empty' : result.status,
      maxLoadedAt: empty ? null : (result.max_loaded_at ?? null),
      ageSeconds: empty ? null : (result.max_loaded_at_time_ago_in_s ?? null),
      warnAfterSeconds: thresholdSeconds(result.criteria?.warn_after),
      errorAfterSeconds: thresholdSeconds(result.criteria?.error_after),
    };
  });
}

function thresholdSeconds(value: z.infer<typeof threshold>): number | null {
  if (!value?.count || !value.period) return null;
  const seconds = SECONDS_PER_PERIOD[value.period];
  return seconds === undefined ? null : value.count * seconds;
}
