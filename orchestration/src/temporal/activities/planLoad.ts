import { ApplicationFailure, Context } from '@temporalio/activity';
import { cursorKindOfPg, cursorWindowKind, type CursorWindow } from '../../extract/cursorWindow.js';
import { discoverTables } from '../../extract/discoverTables.js';
import { findPartitionOverlaps, partitionOverlapMessage } from '../../extract/partitionOverlap.js';
import { readSourceColumns, SourceTableError } from '../../extract/sourceColumns.js';
import { SourceSchemaError } from '../../extract/sourceCatalog.js';
import { isCursorTable, type TableConfig } from '../../kernel/tablesConfig.js';
import { extractStartOrder } from '../../runs/extractStartOrder.js';
import { checkSource, SourceCredentialsError, SourcePermanentError } from '../../source/checkSource.js';
import { withClient } from '../../source/demoSource.js';
import { describeLoad, earlierLoads, runningLoads } from '../runIdentity.js';
import type { ActivityDeps } from './activityDeps.js';
import { sourceFailure } from './sourceFailure.js';
import type { PlanLoadInput, PlanLoadOutput } from './types.js';

/** Checks the source answers, and decides which tables this run extracts and how. */
export function createPlanLoad(deps: ActivityDeps) {
  return async function planLoad(input: PlanLoadInput): Promise<PlanLoadOutput> {
    await refuseIfAnotherRunHolds(deps.config.taskQueue);
    const configuredNames = deps.tables.map((table) => table.name);
    if (!input.all) {
      const unknown = (input.tables ?? []).filter((name) => !configuredNames.includes(name));
      if (unknown.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `Unknown table(s) ${unknown.join(', ')}: configured tables are ${configuredNames.join(', ')}`,
          'UnknownTable',
        );
      }
    }
    try {
      await checkSource(deps.sourceUrl);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Wrong credentials or a missing database will not fix themselves; a source that is down may come back (retried with backoff).
      if (error instanceof SourceCredentialsError) throw ApplicationFailure.nonRetryable(message, 'SourceCredentials');
      if (error instanceof SourcePermanentError) throw ApplicationFailure.nonRetryable(message, 'SourcePermanentError');
      throw ApplicationFailure.retryable(message, 'SourceUnreachable');
    }
    const candidates = input.all
      ? await withClient(deps.sourceUrl, (client) =>
          discoverTables(client, { configured: deps.tables, discover: deps.discover }),
        ).catch((error: unknown) => {
          if (error instanceof SourceSchemaError)
            throw ApplicationFailure.nonRetryable(error.message, 'SourceSchemaError');
          throw sourceFailure(error, deps.sourceUrl, 'Discovering the source tables failed', 'DiscoveryFailed');
        })
      : deps.tables;
    const named = input.tables ? candidates.filter((table) => input.tables?.includes(table.name)) : candidates;
    // Tables in mode cdc share one replication slot, which a run confirms for all of them: one of
    // them in a run brings the others (docs/cdc.md).
    const selected = named.some((table) => table.mode === 'cdc')
      ? [...named, ...candidates.filter((table) => table.mode === 'cdc' && !named.includes(table))]
      : named;
    const missing = (input.tables ?? []).filter((name) => !selected.some((table) => table.name === name));
    if (missing.length > 0)
      throw ApplicationFailure.nonRetryable(
        `Unknown table(s) ${missing.join(', ')}: the source has ${candidates.map((table) => table.name).join(', ')}`,
        'UnknownTable',
      );
    await refusePartitionsWithParents(deps.sourceUrl, selected);
    const extractOnly = input.dbt === false ? '--no-dbt' : deps.dbt.projectDir === undefined ? deps.dbt.why : undefined;
    const publishWithheld =
      extractOnly !== undefined && deps.dbt.projectDir !== undefined ? await untestedModels(deps) : undefined;
    const plan = {
      parallelism: deps.config.extractParallelism,
      ...(extractOnly ? { extractOnly } : {}),
      ...(publishWithheld ? { publishWithheld } : {}),
    };
    const planned =
      !input.window || input.tables
        ? selected
        : await backfillableTables(deps.sourceUrl, selected, input.window).catch((error: unknown) => {
            if (error instanceof SourceTableError)
              throw ApplicationFailure.nonRetryable(error.message, 'SourceTableError');
            throw sourceFailure(
              error,
              deps.sourceUrl,
              "Reading the source tables' columns failed",
              'SourceColumnsFailed',
            );
          });
    return {
      ...plan,
      tables: extractStartOrder(planned, await deps.loader.lastLoadDurations()),
      configuredOrder: planned.map((table) => table.name),
    };
  };
}

/**
 * Why an extract-only run must not publish, if it must not: the warehouse's models are those of the
 * last run that built them, and that run failed or was stopped (perhaps halfway through its build).
 * The extract-only run leaves them as they are, so only a run that builds and tests them publishes.
 */
async function untestedModels(deps: ActivityDeps): Promise<string | undefined> {
  const { lastBuild } = await deps.loader.previousBuild();
  if (lastBuild === undefined || lastBuild.status === 'success') return undefined;
  return `not published: the last run that built the dbt models (run ${lastBuild.runId}) ended ${lastBuild.status}, and this run builds none; readers keep the previously published warehouse until \`rebar nightly\` builds and tests the models`;
}

/** A run holding a partition and its parent would load the partition's rows twice: refused before anything is read. */
async function refusePartitionsWithParents(sourceUrl: string, tables: TableConfig[]): Promise<void> {
  const overlaps = await withClient(sourceUrl, (client) => findPartitionOverlaps(client, tables)).catch(
    (error: unknown) => {
      throw sourceFailure(error, sourceUrl, "Reading the source's partitions failed", 'PartitionsFailed');
    },
  );
  if (overlaps.length > 0)
    throw ApplicationFailure.nonRetryable(partitionOverlapMessage(overlaps), 'PartitionWithParent');
}

/** The tables a backfill window can bound: incremental ones whose cursor is a time for a date window, a number for a numeric one. */
async function backfillableTables(
  sourceUrl: string,
  tables: TableConfig[],
  window: CursorWindow,
): Promise<TableConfig[]> {
  const kind = cursorWindowKind(window);
  return withClient(sourceUrl, async (client) => {
    const kept: TableConfig[] = [];
    for (const table of tables) {
      if (!isCursorTable(table)) continue;
      const columns = await readSourceColumns(client, table);
      if (cursorKindOfPg(columns.find((column) => column.name === table.cursor)?.pgType ?? '') === kind)
        kept.push(table);
    }
    return kept;
  });
}

/**
 * One run at a time per warehouse, whoever started it (a schedule, the CLI, an external client):
 * the earliest-started Running nightlyLoad on this task queue keeps it, any later one is refused
 * before it reads or writes anything.
 */
async function refuseIfAnotherRunHolds(taskQueue: string): Promise<void> {
  const context = activityContext();
  const execution = context?.info.workflowExecution;
  // Called directly, not as a workflow's activity: there is no run to compare with.
  if (!context || !execution) return;
  const { workflowId, runId } = execution;
  const client = context.client;
  const own = await client.workflow.getHandle(workflowId, runId).describe();
  const earlier = earlierLoads(await runningLoads(client, taskQueue), { workflowId, runId, startedAt: own.startTime });
  if (earlier.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `another run holds this warehouse (task queue ${taskQueue}): ${earlier.map(describeLoad).join(', ')}; wait for it to finish or cancel it (temporal workflow cancel --workflow-id <id>)`,
      'AnotherRunHolds',
    );
  }
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
