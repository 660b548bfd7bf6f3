import type { Command } from 'commander';
import type { RebarConfig } from '../config/config.js';
import { registerAnalysisCommand } from './commands/analysisCommand.js';
import { registerBackfillCommand } from './commands/backfillCommand.js';
import { registerDocsCommand } from './commands/docsCommand.js';
import { registerGenerateCommands } from './commands/generateCommands.js';
import { registerInitCommand } from './commands/initCommand.js';
import { registerNightlyCommand } from './commands/nightlyCommand.js';
import { registerReconcileCommand } from './commands/reconcileCommand.js';
import { registerResetCommand } from './commands/resetCommand.js';
import { registerSqlCommand } from './commands/sqlCommand.js';
import { registerStatusCommand } from './commands/statusCommand.js';
import { registerTemporalCommands } from './commands/temporalCommands.js';

export function registerCommands(program: Command, config: () => RebarConfig): void {
  registerNightlyCommand(program, config);
  registerBackfillCommand(program, config);
  registerGenerateCommands(program, config);
  registerTemporalCommands(program, config);
  registerReconcileCommand(program, config);
  registerResetCommand(program, config);
  registerAnalysisCommand(program, config);
  registerSqlCommand(program, config);
  registerStatusCommand(program, config);
  registerInitCommand(program, config);
  registerDocsCommand(program, config);
}
