/** How long a table's newest successful load took (the warehouse's _rebar.run_tables). */
export interface LoadDuration {
  table: string;
  durationMs: number;
}

/**
 * The order the extract phase starts the tables in, so that the longest do not start last and
 * keep the phase running after the others are done. Tables with no successful load recorded come
 * first, in configured order: their first load reads them whole (a table just added to an existing
 * warehouse, or one that kept failing), likely the longest of the night; on a first run every
 * table is new and the configured order stands. Then the others, longest last load first
 * (configured order among equals).
 */
export function extractStartOrder<Table extends { name: string }>(
  tables: readonly Table[],
  lastDurations: readonly LoadDuration[],
): Table[] {
  const took = new Map(lastDurations.map((known) => [known.table, known.durationMs]));
  const weight = (table: Table) => took.get(table.name) ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable: equal weights keep their configured order.
  return [...tables].sort((a, b) => {
    const [first, second] = [weight(a), weight(b)];
    return first === second ? 0 : first > second ? -1 : 1;
  });
}
