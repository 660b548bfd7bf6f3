import pino from 'pino';

/** Structured JSON logs on stderr, so stdout stays for what a command prints for people. */
export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { app: 'rebar' } }, pino.destination(2));
}
