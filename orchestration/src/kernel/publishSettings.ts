/**
 * What the published warehouse holds (rebar.yml `publish:`): readers get these schemas' relations as
 * tables, and the run history if asked; nothing else of the working warehouse (raw, snapshots,
 * staging, intermediate, seeds, watermarks) unless a schema here names it.
 */
export interface PublishSettings {
  schemas: string[];
  /** _rebar.runs, run_tables, run_models and run_source_freshness: what `rebar status` and BI read. */
  runHistory: boolean;
  /**
   * true: the schemas were listed in rebar.yml, and one the working warehouse lacks is an error.
   * false: the default, and a default schema not built yet (no dbt project, an extract-only run) is skipped.
   */
  schemasConfigured: boolean;
}

/** The dbt project's star schema: the only schema of the demo that readers need. */
export const DEFAULT_PUBLISHED_SCHEMAS = ['marts'];

export const DEFAULT_PUBLISH_SETTINGS: PublishSettings = {
  schemas: DEFAULT_PUBLISHED_SCHEMAS,
  runHistory: true,
  schemasConfigured: false,
};

/** Run history tables copied into the published file (the schema keeps its name, _rebar). */
export const PUBLISHED_RUN_HISTORY = ['runs', 'run_tables', 'run_models', 'run_source_freshness'] as const;

/** Rebar's schema: its bookkeeping stays in the working warehouse; `run_history` publishes what readers need. */
export const METADATA_SCHEMA_NAME = '_rebar';
