import type { SeededRandom } from './random.js';

/** Days are whole numbers (days since 1970-01-01, UTC); instants are microseconds since the epoch. */
export type Day = number;
export type Instant = number;

const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_HOUR = 3_600_000_000;

export function parseIsoDate(text: string): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const millis = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== text) {
    throw new Error(`Invalid date "${text}": expected a calendar date as YYYY-MM-DD`);
  }
  return millis / 86_400_000;
}

export function isoDate(day: Day): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: Day): boolean {
  const weekday = dayOfWeek(day);
  return weekday === 0 || weekday === 6;
}

/** A random instant on `day` between the given UTC hours, at microsecond precision. */
export function instantOn(day: Day, random: SeededRandom, fromHour = 12, toHour = 23): Instant {
  return day * MICROS_PER_DAY + Math.floor(random.between(fromHour, toHour) * MICROS_PER_HOUR);
}

export function addHours(instant: Instant, hours: number): Instant {
  return instant + Math.floor(hours * MICROS_PER_HOUR);
}

export function dayOf(instant: Instant): Day {
  return Math.floor(instant / MICROS_PER_DAY);
}

/** ISO 8601 with all six fractional digits, the precision Postgres keeps. */
export function formatInstant(instant: Instant): string {
  const millis = Math.floor(instant / 1000);
  const micros = String(instant - millis * 1000).padStart(3, '0');
  return `${new Date(millis).toISOString().slice(0, 23)}${micros}Z`;
}
