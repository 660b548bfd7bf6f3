import { readFileSync } from 'node:fs';
import { UserError } from '../errors/userError.js';

/**
 * How workers and the CLI reach a Temporal cluster beyond the local dev server: TLS (a custom CA,
 * mTLS with a client certificate) and Temporal Cloud's API keys. The variables are those the
 * `temporal` CLI reads, so one environment serves both.
 */
export interface TemporalConnectionSettings {
  /** TLS on (system roots unless a CA is given); an API key or a certificate turns it on. */
  tls: boolean;
  /** Holds a secret: sent as the connection's credential, never logged. */
  apiKey: string | undefined;
  clientCertPath: string | undefined;
  clientKeyPath: string | undefined;
  serverCaPath: string | undefined;
  serverName: string | undefined;
}

export class TemporalTlsError extends UserError {}

/** The settings from TEMPORAL_TLS, TEMPORAL_API_KEY, TEMPORAL_TLS_CERT/_KEY/_CA and TEMPORAL_TLS_SERVER_NAME. */
export function temporalConnectionSettings(vars: {
  TEMPORAL_TLS?: string;
  TEMPORAL_API_KEY?: string;
  TEMPORAL_TLS_CERT?: string;
  TEMPORAL_TLS_KEY?: string;
  TEMPORAL_TLS_CA?: string;
  TEMPORAL_TLS_SERVER_NAME?: string;
}): TemporalConnectionSettings {
  const clientCertPath = vars.TEMPORAL_TLS_CERT || undefined;
  const clientKeyPath = vars.TEMPORAL_TLS_KEY || undefined;
  if ((clientCertPath === undefined) !== (clientKeyPath === undefined))
    throw new TemporalTlsError(
      'Invalid Rebar configuration:\n  - TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its private key, PEM files): set both or neither',
    );
  const apiKey = vars.TEMPORAL_API_KEY || undefined;
  const flag = (vars.TEMPORAL_TLS ?? '').toLowerCase();
  if (!['', 'true', 'false', '1', '0'].includes(flag))
    throw new TemporalTlsError('Invalid Rebar configuration:\n  - TEMPORAL_TLS must be true or false');
  const wanted = flag === 'true' || flag === '1';
  const implied = apiKey !== undefined || clientCertPath !== undefined || vars.TEMPORAL_TLS_CA !== undefined;
  return {
    tls: flag === 'false' || flag === '0' ? false : wanted || implied,
    apiKey,
    clientCertPath,
    clientKeyPath,
    serverCaPath: vars.TEMPORAL_TLS_CA || undefined,
    serverName: vars.TEMPORAL_TLS_SERVER_NAME || undefined,
  };
}

/** The TLS and credential options of NativeConnection.connect and Connection.connect, files read now. */
export function temporalConnectOptions(settings: TemporalConnectionSettings | undefined): {
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
} {
  if (!settings) return {};
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new TemporalTlsError(`Cannot read ${variable} (${path}): ${(error as Error).message}`);
    }
  };
  return {
    ...(settings.tls
      ? {
          tls: {
            ...(settings.clientCertPath && settings.clientKeyPath
              ? {
                  clientCertPair: {
                    crt: read('TEMPORAL_TLS_CERT', settings.clientCertPath),
                    key: read('TEMPORAL_TLS_KEY', settings.clientKeyPath),
                  },
                }
              : {}),
            ...(settings.serverCaPath
              ? { serverRootCACertificate: read('TEMPORAL_TLS_CA', settings.serverCaPath) }
              : {}),
            ...(settings.serverName ? { serverNameOverride: settings.serverName } : {}),
          },
        }
      : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  };
}
