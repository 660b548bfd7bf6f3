import { Client } from '@temporalio/client';
import type { RebarConfig } from '../../config/config.js';
import { connectClientToTemporal } from '../../temporal/connectTemporal.js';

/** A long-lived worker, the schedule and `rebar status` talk to a Temporal server that outlives them. */
export const defaultTemporalAddress = '127.0.0.1:7233';

/** Runs `work` with a client of the configured Temporal server (TEMPORAL_ADDRESS, else the local default). */
export async function withTemporalClient<T>(settings: RebarConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await connectClientToTemporal(
    settings.temporalAddress ?? defaultTemporalAddress,
    settings.temporalConnection,
  );
  try {
    return await work(new Client({ connection, namespace: settings.temporalNamespace }));
  } finally {
    await connection.close();
  }
}
