import { installTemporalLogging } from '../../orchestration/src/temporal/runtimeLogging.js';

// Vitest setup file: Temporal's worker logs bundle builds and state changes at INFO; tests keep WARN and up.
// Once per process: the unit tier's files share one module context and run this again for each file.
const INSTALLED = Symbol.for('rebar.tests.quietTemporal');
if (!Reflect.get(globalThis, INSTALLED)) {
  installTemporalLogging('info');
  Reflect.set(globalThis, INSTALLED, true);
}
