/**
 * `items` (started longest first, see runs/extractStartOrder.ts) back in configured order, how the
 * run summary, the CLI and `rebar status` list tables. Without an order (runs planned before the
 * start order existed) they already are in it and stay as they are. Pure: safe in a workflow.
 */
export function inConfiguredOrder<Item>(
  items: readonly Item[],
  nameOf: (item: Item) => string,
  configuredOrder: readonly string[] | undefined,
): Item[] {
  if (!configuredOrder) return [...items];
  const position = new Map(configuredOrder.map((name, index) => [name, index]));
  const rank = (item: Item) => position.get(nameOf(item)) ?? configuredOrder.length;
  return [...items].sort((a, b) => rank(a) - rank(b));
}
