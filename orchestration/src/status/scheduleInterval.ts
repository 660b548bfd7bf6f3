import { CronExpressionParser } from 'cron-parser';

/** Seconds between two consecutive runs of the cron schedule (the next two, from `now`, in its time zone). */
export function scheduleIntervalSeconds(cron: string, timezone: string, now: Date): number {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: now });
  const first = expression.next().getTime();
  const second = expression.next().getTime();
  return (second - first) / 1000;
}
