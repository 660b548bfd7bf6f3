import type { RebarConfig } from '../config/config.js';
import { stopLeftoverServices } from './leftoverServices.js';
import { acquireStateLock, type StateLock } from './stateLock.js';

export interface HoldStateFolderInput {
  config: RebarConfig;
  log: (line: string) => void;
  /** Stop services a killed run left behind (commands that start services); false for commands that only write the warehouse. */
  stopLeftovers: boolean;
}

/**
 * Takes the state folder for this process (its lock), then stops what a killed run left running in
 * it. Release it when the command ends; a process killed before that leaves a lock the next command
 * takes over, since its pid is dead.
 */
export async function holdStateFolder(input: HoldStateFolderInput): Promise<StateLock> {
  const lock = acquireStateLock({ stateDir: input.config.stateDir, command: thisCommandLine(), log: input.log });
  if (!input.stopLeftovers) return lock;
  try {
    await stopLeftoverServices({ config: input.config, log: input.log });
  } catch (error) {
    lock.release();
    throw error;
  }
  return lock;
}

/** "rebar nightly --scale 0.02": this process as the lock's message names it. */
export function thisCommandLine(): string {
  return ['rebar', ...process.argv.slice(2)].join(' ');
}
