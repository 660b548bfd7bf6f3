/**
 * The nightly content check is not built for Snowflake yet: its text forms of timestamps and
 * numbers need their own normalisation before they compare equal to the source's (docs/snowflake.md).
 * The Warehouse interface marks contentChecks optional; SnowflakeWarehouse leaves it undefined and
 * the nightly skips the check, saying so.
 */
export const contentChecks = undefined;
