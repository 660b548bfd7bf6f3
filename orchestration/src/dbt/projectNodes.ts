import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One node of the dbt project that a build runs and the publish gate checks. */
export interface ProjectNode {
  uniqueId: string;
  /** model, seed, snapshot, test or unit_test. */
  resourceType: string;
  /** What `--select` matches: the node's name (test names are unique within the project). */
  name: string;
  /** The models, seeds, snapshots (and sources) it reads. */
  dependsOn: string[];
  /** view, table, incremental, seed, snapshot, test, …; null for unit tests. */
  materialized: string | null;
}

const node = z
  .object({
    unique_id: z.string(),
    resource_type: z.string(),
    name: z.string(),
    config: z
      .object({ materialized: z.string().nullable().optional(), enabled: z.boolean().optional() })
      .passthrough()
      .optional(),
    depends_on: z
      .object({ nodes: z.array(z.string()).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const manifestJson = z
  .object({
    nodes: z.record(z.string(), node),
    unit_tests: z.record(z.string(), node).optional(),
  })
  .passthrough();

/** Node types a `dbt build` produces a result for. Ephemeral models are compiled into others and have none. */
const BUILT_TYPES = new Set(['model', 'seed', 'snapshot', 'test', 'unit_test']);

/** Every node of the project that `dbt build` runs, from dbt's target/manifest.json (written by any dbt command that parses). */
export function readProjectNodes(manifestPath: string): ProjectNode[] {
  const manifest = manifestJson.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  return [...Object.values(manifest.nodes), ...Object.values(manifest.unit_tests ?? {})]
    .filter(
      (entry) =>
        BUILT_TYPES.has(entry.resource_type) &&
        entry.config?.materialized !== 'ephemeral' &&
        entry.config?.enabled !== false,
    )
    .map((entry) => ({
      uniqueId: entry.unique_id,
      resourceType: entry.resource_type,
      name: entry.name,
      dependsOn: entry.depends_on?.nodes ?? [],
      materialized: entry.config?.materialized ?? null,
    }));
}

/**
 * The nodes that read what changed (rebuilt nodes, reloaded source tables), directly or through
 * views: a view reads its parents live, while a table not rebuilt still holds what it held.
 */
export function nodesReading(nodes: readonly ProjectNode[], changed: Iterable<string>): Set<string> {
  const children = new Map<string, ProjectNode[]>();
  for (const child of nodes) {
    for (const parent of child.dependsOn) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found = new Set<string>();
  const queue = [...changed];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as string) ?? []) {
      if (found.has(child.uniqueId)) continue;
      found.add(child.uniqueId);
      if (child.materialized === 'view') queue.push(child.uniqueId);
    }
  }
  return found;
}
