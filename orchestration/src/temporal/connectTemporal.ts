import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { UserError } from '../errors/userError.js';
import { scrubSecrets } from '../util/redact.js';
import { temporalConnectOptions, type TemporalConnectionSettings } from './temporalConnectionSettings.js';

export class TemporalUnreachableError extends UserError {}

function unreachable(address: string, error: unknown, apiKey?: string): TemporalUnreachableError {
  const reason = scrubSecrets(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error), [apiKey]);
  return new TemporalUnreachableError(
    `Cannot reach Temporal at ${address} (${reason}): start a Temporal server there, or unset TEMPORAL_ADDRESS so that \`rebar nightly\` starts a local dev server.`,
  );
}

/** The worker-side connection, with an error that names the address and the fix. */
export async function connectWorkerToTemporal(
  address: string,
  settings?: TemporalConnectionSettings,
): Promise<NativeConnection> {
  const options = temporalConnectOptions(settings);
  try {
    return await NativeConnection.connect({ address, ...options });
  } catch (error) {
    throw unreachable(address, error, settings?.apiKey);
  }
}

/** The client-side connection, with an error that names the address and the fix. */
export async function connectClientToTemporal(
  address: string,
  settings?: TemporalConnectionSettings,
): Promise<Connection> {
  const options = temporalConnectOptions(settings);
  try {
    return await Connection.connect({ address, connectTimeout: '10 seconds', ...options });
  } catch (error) {
    throw unreachable(address, error, settings?.apiKey);
  }
}
