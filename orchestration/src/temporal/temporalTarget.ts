import type { RebarConfig } from '../config/config.js';
import { startTemporalDevServer } from './devServer.js';

export interface TemporalTarget {
  address: string;
  uiUrl: string | undefined;
  close(): Promise<void>;
}

/** TEMPORAL_ADDRESS when set, else a local dev server started for this command. */
export async function openTemporal(config: RebarConfig): Promise<TemporalTarget> {
  if (config.temporalAddress)
    return { address: config.temporalAddress, uiUrl: undefined, close: async () => undefined };
  const server = await startTemporalDevServer({ temporalBin: config.temporalBin, stateDir: config.stateDir });
  return { address: server.address, uiUrl: server.uiUrl, close: () => server.stop() };
}
