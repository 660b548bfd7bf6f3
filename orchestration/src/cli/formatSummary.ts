import { megabytes, type SlotReport } from '../cdc/slotReport.js';
import { failedNodes, type RunSummary, unreconciledTables } from '../runs/runSummary.js';
import { formatAlerts } from './formatAlerts.js';
import { formatFreshness } from './formatFreshness.js';
import { formatRetention } from './formatRetention.js';
import { formatWarnings } from './formatWarnings.js';

/** The run summary as a person reads it in a terminal. */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  const seconds = (Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000;
  const title = summary.backfill ? `Backfill of ${summary.backfill.from} .. ${summary.backfill.to}` : 'Nightly load';
  lines.push(
    `${title} ${summary.status.toUpperCase()} in ${seconds.toFixed(1)} s  (workflow ${summary.workflowId}, run ${summary.runId})`,
  );
  if (summary.status === 'cancelled')
    lines.push(`Cancelled: ${summary.cancelReason ?? 'no reason recorded'}; nothing published.`);
  lines.push('');
  lines.push(
    'Extract + load (extracted: rows read from the watermark minus the lookback window; written: new or changed rows merged into raw.<table>):',
  );
  lines.push(
    `  ${'table'.padEnd(20)} ${'status'.padEnd(8)} ${'extracted'.padStart(10)} ${'written'.padStart(10)} ${'MB'.padStart(8)} ${'seconds'.padStart(8)} ${'source'.padStart(10)} ${'raw'.padStart(10)}`,
  );
  for (const table of summary.tables) {
    lines.push(
      `  ${table.table.padEnd(20)} ${table.status.padEnd(8)} ${String(table.rowsExtracted).padStart(10)} ${String(table.rowsWritten).padStart(10)} ${(table.bytes / 1e6).toFixed(2).padStart(8)} ${(table.durationMs / 1000).toFixed(1).padStart(8)} ${String(table.sourceRows ?? '-').padStart(10)} ${String(table.warehouseRows ?? '-').padStart(10)}`,
    );
    if (table.error) lines.push(`      error: ${table.error}`);
    for (const change of table.schemaChanges) lines.push(`      schema change: ${change}`);
    if (table.contentCheck) lines.push(`      ${table.contentCheck}`);
    if (table.rowsTombstoned > 0)
      lines.push(`      ${table.rowsTombstoned} rows deleted at the source: tombstoned in raw (_rebar_deleted_at)`);
  }
  const extracted = summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0);
  const written = summary.tables.reduce((sum, table) => sum + table.rowsWritten, 0);
  lines.push(
    `  ${'total'.padEnd(20)} ${''.padEnd(8)} ${String(extracted).padStart(10)} ${String(written).padStart(10)}`,
  );
  const mismatched = unreconciledTables(summary.tables);
  const checked = summary.tables.filter((table) => table.sourceRows !== null).length;
  lines.push(
    mismatched.length === 0
      ? `Reconciliation: ${checked} of ${checked} tables hold exactly the source's row count.`
      : `Reconciliation MISMATCH: ${mismatched.map((table) => `${table.table} (source ${table.sourceRows}, raw ${table.warehouseRows})`).join(', ')}; see _rebar.run_tables.`,
  );
  if (summary.replicationSlot) lines.push(formatSlotReport(summary.replicationSlot));
  lines.push('');
  lines.push(...formatRetention(summary.retention), '');
  if (summary.extractOnly !== undefined) {
    lines.push('dbt build: not run (extract-only run).');
    lines.push(
      '',
      `Publish gate: not checked: extract-only run, nothing built to gate (${summary.published ? 'published: the schemas rebar.yml publish: lists, and the run history' : (summary.publishWithheld ?? 'not published: the load failed')}).`,
    );
    lines.push('', ...formatAlerts(summary.alerts));
    lines.push(
      '',
      `extract-only (${summary.extractOnly}): extracted, loaded, reconciled counts and ${summary.published ? 'published' : 'did not publish'}; no dbt models built.`,
    );
    return lines.join('\n');
  }
  const byType = new Map<string, Map<string, number>>();
  for (const node of summary.models) {
    const statuses = byType.get(node.resourceType) ?? new Map<string, number>();
    statuses.set(node.status, (statuses.get(node.status) ?? 0) + 1);
    byType.set(node.resourceType, statuses);
  }
  lines.push(
    summary.dbtBuild
      ? `dbt build: ${summary.dbtBuild.reason}${summary.dbtBuild.scope === 'skipped' ? '.' : ':'}`
      : 'dbt build:',
  );
  for (const [type, statuses] of byType) {
    lines.push(`  ${type.padEnd(12)} ${[...statuses].map(([status, count]) => `${count} ${status}`).join(', ')}`);
  }
  const models = summary.models.filter((node) => node.resourceType === 'model');
  if (models.length > 0) {
    lines.push('  models (status, seconds):');
    for (const model of models) {
      lines.push(
        `    ${model.uniqueId.replace(/^model\.rebar\./, '').padEnd(48)} ${model.status.padEnd(8)} ${model.durationSeconds.toFixed(2).padStart(6)}`,
      );
    }
  }
  for (const node of failedNodes(summary.models)) {
    const [first, ...rest] = (node.message || 'dbt gave no reason').split('\n');
    lines.push(
      `  FAILED ${node.uniqueId}${node.attachedNode ? ` on ${node.attachedNode}` : ''}: ${first ?? ''}`,
      ...rest.map((line) => `      ${line}`),
    );
    if (node.compiledPath) lines.push(`      compiled SQL: ${node.compiledPath}`);
  }
  lines.push('', ...formatWarnings(summary.models));
  lines.push('', formatPublishGate(summary));
  lines.push('', ...formatFreshness(summary.freshness));
  lines.push('', ...formatAlerts(summary.alerts));
  return lines.join('\n');
}

/** Whether readers got this run's warehouse, and if not, which nodes kept it back. */
function formatPublishGate(summary: RunSummary): string {
  const gate = summary.publishGate;
  if (!gate) return `Publish gate: not checked (${summary.published ? 'published' : 'the run failed before it'}).`;
  if (gate.status === 'not_checked') return `Publish gate: NOT CHECKED, ${gate.reason}.`;
  const counts = `${gate.nodesChecked} dbt nodes in the warehouse checked, ${gate.retested} tests re-run downstream of this build${gate.neverBuilt > 0 ? `, ${gate.neverBuilt} models never built (not in the warehouse)` : ''}`;
  return gate.status === 'passed'
    ? `Publish gate: passed (${counts}): every one has passed.`
    : `Publish gate: REFUSED (${counts}): ${gate.reason}.`;
}

/** The source's replication slot around the run: the WAL it made the source keep (docs/cdc.md). */
function formatSlotReport(slot: SlotReport): string {
  const before =
    slot.retainedBytesBefore === null
      ? 'created by this run'
      : `held ${megabytes(slot.retainedBytesBefore)} of WAL at the start (${megabytes(slot.unreadBytesBefore ?? 0)} unread)`;
  const over =
    slot.retainedBytesBefore !== null && slot.retainedBytesBefore > slot.limitBytes
      ? `: OVER the ${megabytes(slot.limitBytes)} limit, alerted`
      : '';
  return `Replication slot ${slot.slot} (tables in mode cdc, which follow the log and are not counted above): ${before}, ${megabytes(slot.retainedBytesAfter)} at the end (${megabytes(slot.unreadBytesAfter)} unread)${over}.`;
}
