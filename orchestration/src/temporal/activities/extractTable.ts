import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import pg from 'pg';
import { extractAndLoad, type ExtractProgress } from '../../load/extractAndLoad.js';
import { SourceTableError } from '../../extract/sourceColumns.js';
import { describeTable } from '../../extract/sourceRelation.js';
import { WatermarkError } from '../../kernel/watermark.js';
import { sourcePassword } from '../../source/checkSource.js';
import { scrubSecrets } from '../../util/redact.js';
import type { ActivityDeps } from './activityDeps.js';
import { sourceFailure } from './sourceFailure.js';
import type { ExtractTableInput, ExtractTableOutput } from './types.js';

/**
 * Extracts one table's rows past its watermark into a local file and merges them into the
 * warehouse. Idempotent: the watermark commits with the rows, so a retry reads only what is
 * still missing.
 */
export function createExtractTable(deps: ActivityDeps) {
  return async function extractTable(input: ExtractTableInput): Promise<ExtractTableOutput> {
    const started = Date.now();
    const { table } = input;
    const workDir = join(deps.config.stateDir, 'extract', input.runId);
    mkdirSync(workDir, { recursive: true });
    const client = new pg.Client({ connectionString: deps.sourceUrl, application_name: 'rebar-extract' });
    try {
      await client.connect();
      const context = Context.current();
      // A retried attempt carries on the totals of the attempt before it; the warehouse watermark,
      // committed with every chunk, is what makes it resume after the last committed chunk.
      const resumeFrom = context.info.heartbeatDetails as ExtractProgress | undefined;
      let latest: ExtractProgress | undefined = resumeFrom;
      const beat = setInterval(() => context.heartbeat(latest), 1000);
      const output = await extractAndLoad({
        client,
        loader: deps.loader,
        table,
        loadId: input.runId,
        workDir,
        chunkRows: deps.config.chunkRows,
        resumeFrom,
        window: input.window,
        contentCheck: deps.config.contentCheck,
        onChunk: (progress) => {
          latest = { ...progress, schemaChanges: [...progress.schemaChanges] };
          context.heartbeat(latest);
          // A cancelled run stops between chunks: the chunk just committed stays, with its watermark.
          context.cancellationSignal.throwIfAborted();
        },
      }).finally(() => clearInterval(beat));
      return {
        table: table.name,
        status: 'success',
        rowsExtracted: output.rowsExtracted,
        rowsWritten: output.rowsWritten,
        rowsTombstoned: output.rowsTombstoned,
        bytes: output.bytes,
        durationMs: Date.now() - started,
        schemaChanges: output.schemaChanges,
        sourceRows: output.sourceRows,
        warehouseRows: output.warehouseRows,
        contentCheck: output.contentCheck,
        contentCheckMs: output.contentCheckMs,
      };
    } catch (error) {
      // Cancelled: reported as a cancellation, not as a failure of the table.
      if (Context.current().cancellationSignal.aborted) throw error;
      const message = scrubSecrets(error instanceof Error ? error.message : String(error), [
        sourcePassword(deps.sourceUrl),
        deps.sourceUrl,
      ]);
      if (error instanceof SourceTableError) throw ApplicationFailure.nonRetryable(message, 'SourceTableError');
      // Every attempt would read the same stored row: fail now, with the reset command in the message.
      if (error instanceof WatermarkError)
        throw ApplicationFailure.nonRetryable(
          `Extracting ${describeTable(table)} failed: ${message}`,
          'WatermarkError',
        );
      throw sourceFailure(error, deps.sourceUrl, `Extracting ${describeTable(table)} failed`, 'ExtractFailed');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}
