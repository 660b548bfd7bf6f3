/**
 * An error the user can fix: bad input or configuration, a refused command, a run they started that
 * failed. Its message says what is wrong and how to fix it, so the CLI prints the message alone, no
 * stack trace; any other error is a bug in Rebar and keeps its stack. Subclasses name themselves.
 */
export class UserError extends Error {
  /** The CLI's exit code (docs/runs.md, "Exit codes"): 1, bad usage or configuration before any run. */
  readonly exitCode: number = 1;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Each subclass's own name (ConfigError, ...) in messages and logs, without repeating it in each class.
    this.name = new.target.name;
  }
}
