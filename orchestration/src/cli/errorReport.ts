import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors/userError.js';

export interface ErrorReport {
  /** What the CLI writes to stderr. */
  text: string;
  exitCode: number;
}

/**
 * How a command that ended with an error reports it (exit codes: docs/runs.md, "Exit codes"). A user
 * error (or commander's bad option value) is its message alone, since the message says how to fix it,
 * with the error's own exit code; anything else is a bug in Rebar: its stack too, exit 1.
 */
export function errorReport(error: unknown): ErrorReport {
  const message = `rebar: ${error instanceof Error ? error.message : String(error)}\n`;
  if (error instanceof UserError) return { text: message, exitCode: error.exitCode };
  if (error instanceof InvalidArgumentError || !(error instanceof Error) || !error.stack)
    return { text: message, exitCode: 1 };
  return { text: `${message}${error.stack.split('\n').slice(1, 6).join('\n')}\n`, exitCode: 1 };
}
