/** The source's logical replication objects Rebar owns for its cdc tables (one of each per source). */
export interface CdcSettings {
  /** The replication slot (pgoutput): keeps the WAL of changes Rebar has not loaded yet. */
  slot: string;
  /** The publication naming the cdc tables: which tables' changes the slot decodes. */
  publication: string;
  /** WAL the slot may hold at the start of a run before the run alerts (it keeps the source's disk from being freed). */
  maxRetainedWalBytes: number;
}
