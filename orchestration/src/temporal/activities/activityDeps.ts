import type { RebarConfig } from '../../config/config.js';
import type { DiscoverSettings, TableConfig } from '../../kernel/tablesConfig.js';
import type { DbtProjectChoice } from '../../dbt/dbtProjectChoice.js';
import type { Warehouse } from '../../warehouse/warehouse.js';

/** What the worker hands its activities: resolved once at start-up, never sent through Temporal. */
export interface ActivityDeps {
  config: RebarConfig;
  /** Holds credentials: used to connect, never logged, returned or put in workflow history. */
  sourceUrl: string;
  tables: TableConfig[];
  /** How `--all` finds tables (the tables config's discover: section). */
  discover: DiscoverSettings;
  /** The dbt project runs build (the tables config's dbt: project_dir), or why there is none: runs are then extract-only. */
  dbt: DbtProjectChoice;
  loader: Warehouse;
}
