import type { Command } from 'commander';
import type { RebarConfig } from '../../config/config.js';
import { loadTablesConfig, type TableConfig } from '../../kernel/tablesConfig.js';
import { createWarehouse } from '../../warehouse/createWarehouse.js';
import { holdStateFolder } from '../../state/stateFolder.js';
import { withTemporalClient } from './temporalClient.js';
import { UserError } from '../../errors/userError.js';

export class ResetRefusedError extends UserError {}

export function registerResetCommand(program: Command, config: () => RebarConfig): void {
  program
    .command('reset')
    .description(
      "Forget tables' watermarks and raw rows, so the next run reads them from the start (e.g. after changing a primary key)",
    )
    .argument('<tables...>', 'tables from the tables config')
    .option('--watermark-only', 'forget only the watermark: raw keeps its rows and the re-read merges into them')
    .action(async (names: string[], options: { watermarkOnly?: boolean }) => {
      const settings = config();
      const tables = selectTables(settings, names);
      await refuseWhileRunning(settings);
      // Writes the warehouse: not while another rebar command (or a worker) holds the folder.
      const folder = await holdStateFolder({
        config: settings,
        log: (line) => process.stdout.write(`${line}\n`),
        stopLeftovers: false,
      });
      try {
        await resetTables(settings, tables, options.watermarkOnly === true);
      } finally {
        folder.release();
      }
    });
}

async function resetTables(settings: RebarConfig, tables: TableConfig[], watermarkOnly: boolean): Promise<void> {
  const loader = createWarehouse(settings);
  for (const table of tables) {
    const reset = await loader.resetTable({ table, keepRows: watermarkOnly }).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (/lock/i.test(message))
        throw new ResetRefusedError(
          `Not reset: another process holds the warehouse (${message.split('\n')[0]}). A load or dbt is running; run rebar reset again once it has finished (rebar status shows runs in progress).`,
        );
      throw error;
    });
    const watermark = reset.hadWatermark ? 'watermark forgotten' : 'had no watermark';
    const rows = watermarkOnly ? 'raw rows kept' : `${reset.rowsDeleted} raw row(s) deleted`;
    process.stdout.write(`Reset ${table.name}: ${watermark}, ${rows}; the next run reads it from the start.\n`);
  }
}

function selectTables(settings: RebarConfig, names: string[]): TableConfig[] {
  const configured = loadTablesConfig(settings.tablesConfigPath);
  const unknown = names.filter((name) => !configured.some((table) => table.name === name));
  if (unknown.length > 0)
    throw new ResetRefusedError(
      `Unknown table(s) ${unknown.join(', ')}: configured tables are ${configured.map((table) => table.name).join(', ')}. Nothing was reset.`,
    );
  return configured.filter((table) => names.includes(table.name));
}

/**
 * A run between two activities does not hold the warehouse file, so the lock alone would not stop a
 * reset in the middle of it: ask Temporal (when configured) whether a load is running.
 */
async function refuseWhileRunning(settings: RebarConfig): Promise<void> {
  if (!settings.temporalAddress) return;
  const running = await withTemporalClient(settings, async (client) => {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({
      query: `WorkflowType = 'nightlyLoad' AND ExecutionStatus = 'Running'`,
    }))
      ids.push(execution.workflowId);
    return ids;
  });
  if (running.length > 0)
    throw new ResetRefusedError(
      `Not reset: a load is running (${running.join(', ')}). Run rebar reset again once it has finished (rebar status shows runs in progress).`,
    );
}
