import { megabytes, type SlotReport } from '../cdc/slotReport.js';
import { redactPayload, type WalRetainedAlert } from './alertPayload.js';

/**
 * The alert for a replication slot that held more WAL at the start of a run than the limit: the
 * source's disk keeps every byte of it until Rebar confirms, so a run that stopped or a long
 * transaction shows here before the disk fills (docs/cdc.md).
 */
export function buildWalRetainedAlert(input: {
  slot: SlotReport;
  runId: string;
  workflowId: string;
  occurredAt: string;
}): WalRetainedAlert | undefined {
  const { slot } = input;
  const limitBytes = slot.limitBytes;
  if (slot.retainedBytesBefore === null || slot.retainedBytesBefore <= limitBytes) return undefined;
  const title = `Rebar's replication slot ${slot.slot} held ${megabytes(slot.retainedBytesBefore)} of WAL on the source (limit ${megabytes(limitBytes)})`;
  return redactPayload({
    source: 'rebar',
    kind: 'wal_retained',
    severity: 'warning',
    title,
    text: [
      `${title}.`,
      `After this run it holds ${megabytes(slot.retainedBytesAfter)}. The source keeps this WAL until Rebar confirms it: runs that stop, or a transaction left open at the source, make it grow.`,
      `If no run will read the slot again, drop it: SELECT pg_drop_replication_slot('${slot.slot}'). See docs/cdc.md.`,
    ].join('\n'),
    runId: input.runId,
    workflowId: input.workflowId,
    occurredAt: input.occurredAt,
    details: {
      slot: slot.slot,
      retainedBytesBefore: slot.retainedBytesBefore,
      retainedBytesAfter: slot.retainedBytesAfter,
      limitBytes,
    },
  });
}
