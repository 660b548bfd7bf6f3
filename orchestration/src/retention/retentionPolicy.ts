import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isCursorTable, type TableConfig } from '../kernel/tablesConfig.js';
import { UserError } from '../errors/userError.js';

/** How many whole years raw rows of one category are kept; categories not listed are kept forever. */
export interface RetentionPeriod {
  category: string;
  retentionYears: number;
}

export class RetentionPolicyError extends UserError {}

const HEADER = 'event_category,retention_years';

const rowSchema = z.object({
  category: z.string().min(1, 'event_category is empty; name the category (e.g. interaction)'),
  retentionYears: z
    .string()
    .regex(/^\d+$/, 'retention_years must be a whole number of years (e.g. 2)')
    .transform(Number)
    .refine((years) => years >= 1, 'retention_years must be 1 or more; to keep a category forever, remove its line'),
});

/**
 * Parses the retention policy seed (a dbt seed, so it is plain CSV with a header). Every problem
 * names the file and line, because the same file also feeds the models: a typo here would
 * otherwise surface as a puzzling dbt seed error or, worse, as rows pruned too early.
 */
export function parseRetentionPolicy(text: string, origin: string): RetentionPeriod[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().replace(/^\uFEFF/, '');
  if (header !== HEADER) {
    throw new RetentionPolicyError(
      `${origin} line 1: expected the header "${HEADER}" (got "${header ?? ''}"); restore it, one category per line below it.`,
    );
  }
  const periods: RetentionPeriod[] = [];
  lines.slice(1).forEach((line, index) => {
    const lineNumber = index + 2;
    if (line.trim() === '') return;
    const fields = line.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1'));
    if (fields.length !== 2) {
      throw new RetentionPolicyError(
        `${origin} line ${lineNumber}: expected 2 fields (event_category,retention_years), got ${fields.length} in "${line}"; write it like interaction,1.`,
      );
    }
    const parsed = rowSchema.safeParse({ category: fields[0], retentionYears: fields[1] });
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new RetentionPolicyError(`${origin} line ${lineNumber}: ${problem} (got "${line}").`);
    }
    if (periods.some((period) => period.category === parsed.data.category)) {
      throw new RetentionPolicyError(
        `${origin} line ${lineNumber}: category "${parsed.data.category}" is listed twice; keep one line per category.`,
      );
    }
    periods.push(parsed.data);
  });
  return periods;
}

export function loadRetentionPolicy(path: string): RetentionPeriod[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new RetentionPolicyError(
      `Cannot read the retention policy ${path}: restore the seed (event_category,retention_years), or remove retention from the tables config.`,
    );
  }
  return parseRetentionPolicy(text, path);
}

/**
 * Checks the policy at start-up when any configured table prunes by it, so a malformed seed stops
 * the command before anything is extracted or deleted. (The prune activity reads it again each run.)
 */
export function checkRetentionPolicy(tables: readonly TableConfig[], path: string): void {
  if (tables.some((table) => isCursorTable(table) && table.retention)) loadRetentionPolicy(path);
}
