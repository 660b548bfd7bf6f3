import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';

// Vitest setup file of the unit tier (tests/support/testTiers.ts): whatever would start a process
// (Postgres, dbt, the Temporal CLI, fakesnow, anything), a Temporal test server, a listening socket
// or a connection (a database client, HTTP) throws instead, naming what was asked for. A unit file
// that starts one fails here rather than quietly slowing the fast tier.
function refuse(what: string): never {
  throw new Error(
    `unit tier: ${what} is not allowed; a unit test starts no server, child process or connection. ` +
      'Move the file to the integration tier: remove it from UNIT_TESTS in tests/support/testTiers.ts.',
  );
}

const describe = (command: unknown, args: unknown) =>
  [command, ...(Array.isArray(args) ? args : [])].map(String).join(' ').slice(0, 200);

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.assign(childProcess, {
    [name]: (command: unknown, args: unknown) => refuse(`child_process.${name}(${describe(command, args)})`),
  });
}
// `import { spawn } from 'node:child_process'` reads the ESM bindings: bring them in line with the patched module.
syncBuiltinESMExports();

net.Server.prototype.listen = function listen() {
  return refuse('a listening server (net.Server.listen)');
};
net.Socket.prototype.connect = function connect(...args: unknown[]) {
  return refuse(`a connection (net.Socket.connect to ${describe(JSON.stringify(args[0]), [])})`);
};
// The Temporal test servers are started by Temporal's native code, not child_process.
TestWorkflowEnvironment.createLocal = () => refuse('a Temporal dev server (TestWorkflowEnvironment.createLocal)');
TestWorkflowEnvironment.createTimeSkipping = () =>
  refuse('a Temporal test server (TestWorkflowEnvironment.createTimeSkipping)');
