import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { CdcSetupError } from '../../cdc/cdcErrors.js';
import { captureChanges, type CapturedTable } from '../../cdc/captureChanges.js';
import { SourceTableError } from '../../extract/sourceColumns.js';
import { sourcePassword } from '../../source/checkSource.js';
import { scrubSecrets } from '../../util/redact.js';
import type { ActivityDeps } from './activityDeps.js';
import { sourceFailure } from './sourceFailure.js';
import type { CaptureChangesInput, CaptureChangesOutput } from './types.js';

/**
 * Every cdc table's changes since the last run, read once from the source's replication slot (one
 * slot serves them all, so one activity reads it). Idempotent: each table's rows commit with their
 * log position and the slot is confirmed only after, so a retry, on this worker or another,
 * carries on from what is committed.
 */
export function createCaptureChanges(deps: ActivityDeps) {
  return async function captureChangesActivity(input: CaptureChangesInput): Promise<CaptureChangesOutput> {
    const started = Date.now();
    const workDir = join(deps.config.stateDir, 'extract', input.runId);
    mkdirSync(workDir, { recursive: true });
    const context = Context.current();
    let latest: CapturedTable[] = [];
    const beat = setInterval(() => context.heartbeat(latest.length), 1000);
    try {
      const output = await deps.loader.holdingOpen(() =>
        captureChanges({
          sourceUrl: deps.sourceUrl,
          loader: deps.loader,
          tables: input.tables,
          settings: deps.config.cdc,
          loadId: input.runId,
          workDir,
          chunkRows: deps.config.chunkRows,
          onProgress: (tables) => {
            latest = tables;
            context.heartbeat(tables.length);
            // A cancelled run stops between steps: what committed stays, with its position.
            context.cancellationSignal.throwIfAborted();
          },
        }),
      );
      const durationMs = Date.now() - started;
      return {
        tables: output.tables.map((table) => ({
          table: table.table,
          status: 'success',
          rowsExtracted: table.rowsExtracted,
          rowsWritten: table.rowsWritten,
          rowsTombstoned: table.rowsTombstoned,
          bytes: table.bytes,
          durationMs,
          schemaChanges: table.schemaChanges,
          // Raw follows the log, not one snapshot of the source: there is no count to hold it to.
          sourceRows: null,
          warehouseRows: table.warehouseRows ?? null,
        })),
        slot: output.slot,
      };
    } catch (error) {
      if (context.cancellationSignal.aborted) throw error;
      const message = scrubSecrets(error instanceof Error ? error.message : String(error), [
        sourcePassword(deps.sourceUrl),
        deps.sourceUrl,
      ]);
      if (error instanceof CdcSetupError || error instanceof SourceTableError)
        throw ApplicationFailure.nonRetryable(message, 'CdcSetupError');
      throw sourceFailure(error, deps.sourceUrl, 'Reading the replication slot failed', 'CaptureFailed');
    } finally {
      clearInterval(beat);
    }
  };
}
