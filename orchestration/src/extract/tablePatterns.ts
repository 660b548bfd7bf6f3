import type { SourceRelation } from '../kernel/tablesConfig.js';

/**
 * Whether a glob pattern (`*` any run of characters, `?` one character) names a source relation:
 * a pattern with a dot is matched against `schema.table`, one without against the table name alone.
 */
export function patternMatches(pattern: string, relation: SourceRelation): boolean {
  const subject = pattern.includes('.') ? `${relation.schema}.${relation.table}` : relation.table;
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${expression}$`).test(subject);
}

/** A relation is discovered when an include pattern names it (no include patterns: every relation) and no exclude pattern does. */
export function relationSelected(
  relation: SourceRelation,
  patterns: { include: string[]; exclude: string[] },
): boolean {
  const included =
    patterns.include.length === 0 || patterns.include.some((pattern) => patternMatches(pattern, relation));
  return included && !patterns.exclude.some((pattern) => patternMatches(pattern, relation));
}
