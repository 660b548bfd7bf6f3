import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  REGIONS,
  TRADE_WEIGHTS,
} from './catalog.js';
import type { CompanyStaff } from './crew.js';
import { type Day, formatInstant, instantOn } from './dayClock.js';
import type { IdAllocator } from './idAllocator.js';
import type { SeededRandom } from './random.js';
import type { SourceWriter } from './sourceWriter.js';

/**
 * The first company's first foreman is planted as clearly faster than everyone else (others draw
 * 0.85-1.15), so the "which foremen finish areas ahead of schedule" question has a known answer.
 */
export const PLANTED_FAST_FOREMAN_PACE = 0.55;

export interface CompanyPlan {
  staff: CompanyStaff;
  /** Pace multiplier per foreman: below 1 finishes areas faster than planned. */
  foremanPace: Map<number, number>;
}

/** Writes `count` companies and their people, sized for about `projectsPerCompany` projects each. */
export function writeCompanies(
  writer: SourceWriter,
  ids: IdAllocator,
  random: SeededRandom,
  input: { count: number; projectsPerCompany: number; firstDay: Day },
): CompanyPlan[] {
  const plans: CompanyPlan[] = [];
  for (let index = 0; index < input.count; index += 1) {
    const companyId = ids.next('companies');
    const createdAt = instantOn(input.firstDay - random.int(120, 2000), random);
    const name = `${COMPANY_WORDS[index % COMPANY_WORDS.length]} ${random.pick(COMPANY_SUFFIXES)}${index >= COMPANY_WORDS.length ? ` ${Math.floor(index / COMPANY_WORDS.length) + 1}` : ''}`;
    writer.add('companies', {
      id: companyId,
      name,
      industry: random.pick(INDUSTRIES),
      region: random.pick(REGIONS),
      created_at: formatInstant(createdAt),
      updated_at: formatInstant(createdAt),
    });
    const domain = `${name.toLowerCase().replaceAll(/[^a-z0-9]+/g, '')}.example`;
    const foremanCount = Math.max(2, Math.ceil(input.projectsPerCompany * 0.35));
    const staff: CompanyStaff = { companyId, foremen: [], managers: [], office: [], laborers: [] };
    const foremanPace = new Map<number, number>();
    const addUser = (role: 'foreman' | 'project_manager' | 'laborer' | 'office', trade: string | null): number => {
      const userId = ids.next('users');
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const joinedAt = instantOn(input.firstDay - random.int(1, 110), random);
      writer.add('users', {
        id: userId,
        company_id: companyId,
        full_name: `${first} ${last}`,
        email: `${first}.${last}.${userId}@${domain}`.toLowerCase(),
        phone: `+1-555-${String(random.int(100, 999))}-${String(random.int(0, 9999)).padStart(4, '0')}`,
        role,
        trade,
        is_active: true,
        created_at: formatInstant(joinedAt),
        updated_at: formatInstant(joinedAt),
      });
      return userId;
    };
    for (let count = 0; count < foremanCount; count += 1) {
      const foremanId = addUser('foreman', null);
      staff.foremen.push(foremanId);
      const drawnPace = random.between(0.85, 1.15);
      foremanPace.set(foremanId, index === 0 && count === 0 ? PLANTED_FAST_FOREMAN_PACE : drawnPace);
    }
    for (let count = 0; count < Math.max(1, Math.ceil(foremanCount / 2)); count += 1)
      staff.managers.push(addUser('project_manager', null));
    for (let count = 0; count < 2; count += 1) staff.office.push(addUser('office', null));
    for (let count = 0; count < foremanCount * 10; count += 1) {
      const trade = random.weighted(TRADE_WEIGHTS);
      staff.laborers.push({ userId: addUser('laborer', trade), trade });
    }
    plans.push({ staff, foremanPace });
  }
  return plans;
}
