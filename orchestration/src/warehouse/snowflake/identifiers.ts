import { quoteIdent } from '../../kernel/sqlIdentifiers.js';

/**
 * The name Snowflake stores for a source identifier. Plain lower-case Postgres names (the usual
 * case) become upper case, exactly what an unquoted reference resolves to, so dbt models and
 * analysts can write `raw.orders.created_at` without quotes. Any other name (mixed case, spaces,
 * quotes) keeps its exact spelling and must be quoted by whoever reads it.
 */
export function storedName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name.toUpperCase() : name;
}

/** A source identifier quoted for Snowflake, as stored (see storedName). */
export function sfIdent(name: string): string {
  return quoteIdent(storedName(name));
}
