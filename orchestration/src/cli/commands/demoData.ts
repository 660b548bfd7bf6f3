import { generateSource, simulateDay } from '../../source/generator/index.js';
import { withClient } from '../../source/demoSource.js';

export interface DemoDataOptions {
  scale: number;
  years: number;
  seed: number;
  /** Apply one more simulated day when the demo source already holds data. */
  simulate: boolean;
  /** Why no day is simulated, as the message says it: the flag that asked, by default --no-simulate. */
  notSimulatingBecause?: string;
}

/** Fills an empty demo source, or moves a filled one forward by a day; returns what it did. */
export async function prepareDemoData(url: string, options: DemoDataOptions): Promise<string> {
  return withClient(url, async (client) => {
    const existing = await client.query<{ projects: string }>('select count(*) as projects from projects');
    if (Number(existing.rows[0]?.projects ?? 0) === 0) {
      const generated = await generateSource(client, {
        scale: options.scale,
        years: options.years,
        seed: options.seed,
        endDate: yesterdayUtc(),
      });
      return `Demo source generated: ${generated.totalRows} rows from ${generated.startDate} to ${generated.endDate} (scale ${options.scale}, seed ${options.seed})`;
    }
    if (!options.simulate)
      return `Demo source already filled; not simulating a new day (${options.notSimulatingBecause ?? '--no-simulate'})`;
    const day = await simulateDay(client, { seed: options.seed });
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
    return `Demo source moved to ${day.day}: ${total(day.inserted)} rows inserted, ${total(day.updated)} updated, ${total(day.softDeleted)} soft-deleted`;
  });
}

function yesterdayUtc(): string {
  const yesterday = new Date(Date.now() - 86_400_000);
  return yesterday.toISOString().slice(0, 10);
}
