/** Rebar's replication slot as a run found and left it: the WAL it held is what the source's disk keeps for Rebar. */
export interface SlotReport {
  slot: string;
  /** WAL held when the run started (since the last run confirmed); null when this run created the slot. */
  retainedBytesBefore: number | null;
  retainedBytesAfter: number;
  /**
   * WAL written since the slot's confirmed position, at the start and at the end: changes not read
   * yet. The WAL the source keeps (retained) reaches back further: to the oldest transaction still
   * open when the slot last moved, and Postgres moves that mark only every few seconds of activity.
   */
  unreadBytesBefore: number | null;
  unreadBytesAfter: number;
  /** Where the slot was confirmed up to when the run ended. */
  confirmedFlush: string;
  /** REBAR_CDC_MAX_RETAINED_WAL_MB, in bytes: more than this at the start of a run alerts. */
  limitBytes: number;
}

/** A size of WAL as people read it in summaries, status and alerts: "5.4 MB". */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
