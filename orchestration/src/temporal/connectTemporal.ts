import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { UserError } from '../errors/userError.js';

export class TemporalUnreachableError extends UserError {}

function unreachable(address: string, error: unknown): TemporalUnreachableError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TemporalUnreachableError(
    `Cannot reach Temporal at ${address} (${reason}): start a Temporal server there, or unset TEMPORAL_ADDRESS so that \`rebar nightly\` starts a local dev server.`,
  );
}

/** The worker-side connection, with an error that names the address and the fix. */
export async function connectWorkerToTemporal(address: string): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address });
  } catch (error) {
    throw unreachable(address, error);
  }
}

/** The client-side connection, with an error that names the address and the fix. */
export async function connectClientToTemporal(address: string): Promise<Connection> {
  try {
    return await Connection.connect({ address, connectTimeout: '10 seconds' });
  } catch (error) {
    throw unreachable(address, error);
  }
}
