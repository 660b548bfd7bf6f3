import type { Watermark } from '../extract/watermark.js';

/** A watermark row as stored in _rebar.watermarks; anything malformed stops the table with the row to delete. */
export function storedWatermark(tableName: string, cursorValue: unknown, primaryKeyValues: unknown): Watermark {
  let primaryKey: unknown;
  try {
    primaryKey = JSON.parse(String(primaryKeyValues));
  } catch {
    primaryKey = undefined;
  }
  if (typeof cursorValue !== 'string' || !Array.isArray(primaryKey) || !primaryKey.every((value) => typeof value === 'string')) {
    throw new Error(`The stored watermark for ${tableName} in _rebar.watermarks is corrupted; delete that row to re-extract the table in full.`);
  }
  return { cursor: cursorValue, primaryKey };
}
