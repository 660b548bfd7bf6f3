import { installTemporalLogging } from '../../orchestration/src/temporal/runtimeLogging.js';

// Vitest setup file: Temporal's worker logs bundle builds and state changes at INFO; tests keep WARN and up.
installTemporalLogging('info');
