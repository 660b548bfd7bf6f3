import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import pg from 'pg';
import { copyTableToFile } from '../../extract/copyTableToFile.js';
import { readSourceColumns, SourceTableError } from '../../extract/sourceColumns.js';
import { sourcePassword } from '../../source/checkSource.js';
import { scrubSecrets } from '../../util/redact.js';
import type { ActivityDeps } from './activityDeps.js';
import type { ExtractTableInput, ExtractTableOutput } from './types.js';

/**
 * Extracts one table's rows past its watermark into a local file and merges them into the
 * warehouse. Idempotent: the watermark commits with the rows, so a retry reads only what is
 * still missing.
 */
export function createExtractTable(deps: ActivityDeps) {
  return async function extractTable(input: ExtractTableInput): Promise<ExtractTableOutput> {
    const started = Date.now();
    const table = deps.tables.find((candidate) => candidate.name === input.table);
    if (!table) throw ApplicationFailure.nonRetryable(`Table ${input.table} is not in the tables config`, 'UnknownTable');
    const workDir = join(deps.config.stateDir, 'extract', input.runId);
    mkdirSync(workDir, { recursive: true });
    const filePath = join(workDir, `${table.name}.csv`);
    const client = new pg.Client({ connectionString: deps.sourceUrl, application_name: 'rebar-extract' });
    try {
      await client.connect();
      const columns = await readSourceColumns(client, table);
      Context.current().heartbeat({ phase: 'extract' });
      const watermark = await deps.loader.getWatermark(table);
      const copied = await copyTableToFile({ client, table, columns, watermark, filePath });
      Context.current().heartbeat({ phase: 'load', rows: copied.rowCount });
      // Loaded even when empty: the first run creates raw.<table>, so models over an empty table still build.
      const loaded = await deps.loader.loadFile({ table, columns, filePath, loadId: input.runId });
      return {
        table: table.name,
        status: 'success',
        rowsExtracted: copied.rowCount,
        rowsWritten: loaded.rowsWritten,
        bytes: copied.bytes,
        durationMs: Date.now() - started,
        schemaChanges: loaded.schemaChanges,
      };
    } catch (error) {
      const message = scrubSecrets(error instanceof Error ? error.message : String(error), [sourcePassword(deps.sourceUrl), deps.sourceUrl]);
      if (error instanceof SourceTableError) throw ApplicationFailure.nonRetryable(message, 'SourceTableError');
      throw ApplicationFailure.retryable(`Extracting ${table.name} failed: ${message}`, 'ExtractFailed');
    } finally {
      await client.end().catch(() => undefined);
      rmSync(filePath, { force: true });
    }
  };
}
