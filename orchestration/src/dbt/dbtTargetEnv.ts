import type { RebarConfig } from '../config/config.js';

/**
 * The variables profiles.yml reads for the configured target, taken from the validated config so
 * dbt builds exactly where the loader loaded: `dev` reads the DuckDB file, `prod` the Snowflake
 * settings (SNOWFLAKE_ACCESS_URL becomes the profile's host, port and protocol). They go to the
 * dbt child process only, never into logs or workflow history.
 */
export function dbtTargetEnv(config: RebarConfig): { target: 'dev' | 'prod'; env: Record<string, string> } {
  const settings = config.snowflake;
  if (!settings) return { target: 'dev', env: { REBAR_WAREHOUSE_PATH: config.warehousePath } };
  const env: Record<string, string> = {
    SNOWFLAKE_ACCOUNT: settings.account,
    SNOWFLAKE_USER: settings.user,
    SNOWFLAKE_WAREHOUSE: settings.warehouse,
    SNOWFLAKE_DATABASE: settings.database,
    SNOWFLAKE_PASSWORD: settings.password ?? '',
    SNOWFLAKE_PRIVATE_KEY_PATH: settings.privateKeyPath ?? '',
    SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: settings.privateKeyPassphrase ?? '',
    SNOWFLAKE_ROLE: settings.role ?? '',
  };
  if (settings.accessUrl) {
    const endpoint = new URL(settings.accessUrl);
    const protocol = endpoint.protocol.replace(':', '');
    Object.assign(env, {
      SNOWFLAKE_HOST: endpoint.hostname,
      SNOWFLAKE_PORT: endpoint.port || (protocol === 'https' ? '443' : '80'),
      SNOWFLAKE_PROTOCOL: protocol,
    });
  }
  return { target: 'prod', env };
}
