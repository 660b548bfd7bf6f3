import { resetCommand, WatermarkError, type Watermark } from '../kernel/watermark.js';

/** A watermark row as stored in _rebar.watermarks; anything malformed stops the table with the command that clears it. */
export function storedWatermark(tableName: string, cursorValue: unknown, primaryKeyValues: unknown): Watermark {
  let primaryKey: unknown;
  try {
    primaryKey = JSON.parse(String(primaryKeyValues));
  } catch {
    primaryKey = undefined;
  }
  if (
    typeof cursorValue !== 'string' ||
    !Array.isArray(primaryKey) ||
    !primaryKey.every((value) => typeof value === 'string')
  ) {
    throw new WatermarkError(
      `The stored watermark for ${tableName} in _rebar.watermarks cannot be read (corrupted). ` +
        `Run \`${resetCommand(tableName)} --watermark-only\` to re-read the table from the start (raw rows kept and merged), or \`${resetCommand(tableName)}\` to reload it from nothing.`,
    );
  }
  return { cursor: cursorValue, primaryKey };
}
