/** The one line a run interrupted by SIGINT/SIGTERM prints; the command exits 130 after its services stopped. */
export class RunInterruptedError extends Error {
  override name = 'RunInterruptedError';
}

export interface Interruption {
  /** A SIGINT or SIGTERM arrived. */
  readonly requested: boolean;
  /** Runs `cancel` now if a signal already arrived, else on the first one. */
  onInterrupt(cancel: () => void): void;
  /** Hands the signals back to Node's defaults. */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: the first asks the run to stop cleanly (the workflow
 * cancelled, services stopped by their owners' finally blocks); a second exits at once, leaving
 * whatever is still running to the next command's start-up.
 */
export function watchInterrupts(): Interruption {
  let requested = false;
  let cancel: (() => void) | undefined;
  const onSignal = () => {
    if (requested) process.exit(130);
    requested = true;
    cancel?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get requested() {
      return requested;
    },
    onInterrupt(callback) {
      cancel = callback;
      if (requested) callback();
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
