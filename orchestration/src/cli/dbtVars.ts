import { InvalidArgumentError } from 'commander';
import { parse } from 'yaml';

/**
 * Parses --vars as dbt does: a YAML (or JSON, which is YAML) mapping of variable names to values,
 * handed to `dbt build --vars`. Anything else is refused before a run starts.
 */
export function dbtVars(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parse(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `--vars is not valid YAML/JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): give a mapping, e.g. --vars '{lookback_days: 3}' or --vars '{"lookback_days": 3}'`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError(
      `--vars must be a YAML/JSON mapping of dbt variable names to values, e.g. --vars '{lookback_days: 3}' (got ${Array.isArray(parsed) ? 'a list' : parsed === null ? 'nothing' : `the ${typeof parsed} ${JSON.stringify(parsed)}`})`,
    );
  }
  return parsed as Record<string, unknown>;
}
