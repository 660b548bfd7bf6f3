import type { SourceFreshnessSummary } from '../runs/sourceFreshness.js';

/** dbt source freshness after the build: counts by verdict, and each table past a threshold by name. */
export function formatFreshness(freshness: SourceFreshnessSummary | undefined): string[] {
  if (!freshness) return [];
  if (freshness.status === 'not_checked') return [`Source freshness: not checked (${freshness.reason})`];
  const counts = new Map<string, number>();
  for (const table of freshness.tables) counts.set(table.status, (counts.get(table.status) ?? 0) + 1);
  const behind = freshness.tables.filter((table) => ['warn', 'error', 'runtime error'].includes(table.status));
  return [
    `Source freshness (dbt source freshness, newest _rebar_loaded_at per table): ${freshness.tables.length} checked: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`,
    ...behind.map(
      (table) => `  ${table.status.toUpperCase()} ${table.table}: newest row loaded ${table.maxLoadedAt ?? 'never'}`,
    ),
  ];
}
