import type { Day } from './dayClock.js';
import type { SeededRandom } from './random.js';

export interface CrewMember {
  userId: number;
  trade: string;
}

export interface CompanyStaff {
  companyId: number;
  foremen: number[];
  managers: number[];
  office: number[];
  /** Field workers ordered by id, each with a trade. */
  laborers: CrewMember[];
}

const LABOR_SHARE_OF_BUDGET = 0.45;
const BLENDED_HOURLY_RATE = 60;

/** Crew size that spends about 45% of the budget on labor if the project runs to plan. */
export function crewSizeFor(budget: number, plannedStart: Day, plannedEnd: Day): number {
  const workdays = Math.max(10, ((plannedEnd - plannedStart + 1) * 5) / 7);
  const size = Math.round((budget * LABOR_SHARE_OF_BUDGET) / (workdays * 8 * BLENDED_HOURLY_RATE));
  return Math.min(30, Math.max(3, size));
}

/** The workers a project draws its daily crew from: a stable slice of the company's laborers. */
export function crewPoolFor(projectId: number, crewSize: number, laborers: readonly CrewMember[]): CrewMember[] {
  if (laborers.length === 0) return [];
  const poolSize = Math.min(laborers.length, crewSize + 3);
  const offset = (projectId * 7) % laborers.length;
  return Array.from({ length: poolSize }, (_, index) => laborers[(offset + index) % laborers.length] as CrewMember);
}

export interface CheckinWorker {
  user_id: number;
  role: string;
  hours: number;
}

/** Who was on site today: the foreman plus most of the pool, with the hours each worked. */
export function crewForDay(
  foremanId: number,
  pool: readonly CrewMember[],
  crewSize: number,
  random: SeededRandom,
): CheckinWorker[] {
  const presence = pool.length === 0 ? 0 : Math.min(1, (crewSize / pool.length) * 0.97);
  const hours = () =>
    random.weighted<number>([
      [8, 10],
      [10, 2],
      [9, 2],
      [7, 1],
      [6, 1],
      [4.5, 0.5],
    ]);
  const workers: CheckinWorker[] = [{ user_id: foremanId, role: 'foreman', hours: hours() }];
  for (const member of pool)
    if (random.chance(presence)) workers.push({ user_id: member.userId, role: member.trade, hours: hours() });
  return workers;
}
