import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findProjectRoot } from '../config/projectRoot.js';

/**
 * The files a standalone dbt project for one source needs besides its models: the project (staging
 * views in schema `staging`), the `rebar` profile as the repository's (the working DuckDB file from
 * REBAR_WAREHOUSE_PATH, the prod Snowflake target from SNOWFLAKE_*), the schema-name macro that
 * keeps `staging` as is, and the composite-key test.
 */
export function dbtProjectFiles(sourceName: string): Record<string, string> {
  const project = `rebar_${sourceName}`;
  return {
    'dbt_project.yml': `# Written by \`rebar init\` for source ${sourceName}. Build: dbt build --project-dir <this folder> --profiles-dir <this folder>
${stringify({
  name: project,
  version: '1.0.0',
  profile: 'rebar',
  'model-paths': ['models'],
  'macro-paths': ['macros'],
  'test-paths': ['tests'],
  flags: { send_anonymous_usage_stats: false },
  'clean-targets': ['target', 'dbt_packages'],
  models: { [project]: { staging: { '+materialized': 'view', '+schema': 'staging', '+tags': ['staging'] } } },
})}`,
    'profiles.yml': PROFILES_YML,
    '.gitignore': 'target/\nlogs/\ndbt_packages/\n',
    // Rebar's own macro, copied: the generated project stands alone but lands schemas the same way.
    'macros/generate_schema_name.sql': readFileSync(
      join(findProjectRoot(), 'macros', 'generate_schema_name.sql'),
      'utf8',
    ),
    'tests/generic/unique_combination.sql': UNIQUE_COMBINATION,
  };
}

const PROFILES_YML = `rebar:
  target: dev
  outputs:
    # Local warehouse: the DuckDB file the Rebar loader writes (raw schema) and dbt models on top of.
    dev:
      type: duckdb
      path: "{{ env_var('REBAR_WAREHOUSE_PATH', '.rebar/warehouse.duckdb') }}"
      schema: main
      threads: 2
      settings:
        # Sessions run in UTC so nothing depends on the machine's time zone.
        TimeZone: UTC

    # Production warehouse. Every setting comes from the environment; nothing here is secret.
    # Authenticate with SNOWFLAKE_PASSWORD, or with a key pair via SNOWFLAKE_PRIVATE_KEY_PATH
    # (+ SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when the key is encrypted). Needs dbt-snowflake installed.
    prod:
      type: snowflake
      account: "{{ env_var('SNOWFLAKE_ACCOUNT', '') }}"
      user: "{{ env_var('SNOWFLAKE_USER', '') }}"
      password: "{{ env_var('SNOWFLAKE_PASSWORD', '') }}"
      private_key_path: "{{ env_var('SNOWFLAKE_PRIVATE_KEY_PATH', '') }}"
      private_key_passphrase: "{{ env_var('SNOWFLAKE_PRIVATE_KEY_PASSPHRASE', '') }}"
      role: "{{ env_var('SNOWFLAKE_ROLE', '') }}"
      database: "{{ env_var('SNOWFLAKE_DATABASE', '') }}"
      warehouse: "{{ env_var('SNOWFLAKE_WAREHOUSE', '') }}"
      schema: "{{ env_var('SNOWFLAKE_SCHEMA', 'analytics') }}"
      threads: "{{ env_var('SNOWFLAKE_THREADS', '4') | int }}"
      query_tag: "{{ env_var('SNOWFLAKE_QUERY_TAG', 'rebar') }}"
      client_session_keep_alive: false
      # Endpoint override, for tests against the fakesnow emulator only.
      host: "{{ env_var('SNOWFLAKE_HOST', '') }}"
      port: "{{ env_var('SNOWFLAKE_PORT', '0') | int }}"
      protocol: "{{ env_var('SNOWFLAKE_PROTOCOL', '') }}"
`;

const UNIQUE_COMBINATION = `{#- A composite key: fails for every combination of the given columns that appears on more than one row. -#}
{% test unique_combination(model, columns) %}

with

grouped as (

    select
        {{ columns | join(',\\n        ') }},
        count(*) as row_count

    from {{ model }}
    group by {{ columns | join(', ') }}

),

final as (

    select * from grouped
    where row_count > 1

)

select * from final

{% endtest %}
`;
