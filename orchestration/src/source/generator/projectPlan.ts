import { AREA_PREFIXES, JOB_TYPES, PROJECT_KINDS, STREETS, WORK_TYPES } from './catalog.js';
import { type CompanyStaff, crewPoolFor, crewSizeFor, type CrewMember } from './crew.js';
import { type Day, dayOf, formatInstant, type Instant, instantOn, isoDate } from './dayClock.js';
import type { IdAllocator } from './idAllocator.js';
import type { SeededRandom } from './random.js';
import type { SourceWriter } from './sourceWriter.js';

export interface AreaPlan {
  id: number;
  name: string;
  weight: number;
  plannedStart: Day;
  plannedEnd: Day;
  startedAt: Instant;
  doneAt: Instant;
}

/** A project's whole life, decided when it is created; rows are written as of any later day. */
export interface ProjectPlan {
  id: number;
  companyId: number;
  foremanId: number;
  managerId: number;
  name: string;
  contractValue: number;
  budget: number;
  workType: string;
  jobType: string;
  createdAt: Instant;
  plannedStart: Day;
  plannedEnd: Day;
  actualStart: Day;
  /** The day its last area is done. */
  actualEnd: Day;
  cancelledAt: Instant | null;
  areas: AreaPlan[];
  crewSize: number;
  crewPool: CrewMember[];
}

export type ProjectStatus = 'planned' | 'active' | 'completed' | 'cancelled';

export function planProject(
  random: SeededRandom,
  ids: IdAllocator,
  input: { staff: CompanyStaff; createdDay: Day; pace: (foremanId: number) => number; foremanId?: number },
): ProjectPlan {
  const { staff } = input;
  const id = ids.next('projects');
  const drawnForemanId = random.pick(staff.foremen);
  const foremanId = input.foremanId ?? drawnForemanId;
  const createdAt = instantOn(input.createdDay, random);
  const plannedStart = input.createdDay + random.int(7, 45);
  const plannedEnd = plannedStart + random.int(45, 240);
  const actualStart = plannedStart + (random.chance(0.7) ? 0 : random.int(1, 10));
  const contractValue = Math.round(Math.min(15_000_000, Math.max(80_000, random.logNormal(900_000, 0.7))) / 100) * 100;
  const budget = Math.round(contractValue * random.between(0.78, 0.9));
  const pace = input.pace(foremanId) * random.between(0.9, 1.25);
  const areas = planAreas(random, ids, { plannedStart, plannedEnd, actualStart, pace });
  const crewSize = crewSizeFor(budget, plannedStart, plannedEnd);
  return {
    id,
    companyId: staff.companyId,
    foremanId,
    managerId: random.pick(staff.managers),
    name: `${random.pick(PROJECT_KINDS)} at ${random.int(10, 9899)} ${random.pick(STREETS)}`,
    contractValue,
    budget,
    workType: random.pick(WORK_TYPES),
    jobType: random.pick(JOB_TYPES),
    createdAt,
    plannedStart,
    plannedEnd,
    actualStart,
    actualEnd: Math.max(actualStart, ...areas.map((area) => dayOf(area.doneAt))),
    cancelledAt: random.chance(0.04)
      ? instantOn(input.createdDay + random.int(1, plannedStart - input.createdDay - 1), random)
      : null,
    areas,
    crewSize,
    crewPool: crewPoolFor(id, crewSize, staff.laborers),
  };
}

function planAreas(
  random: SeededRandom,
  ids: IdAllocator,
  input: { plannedStart: Day; plannedEnd: Day; actualStart: Day; pace: number },
): AreaPlan[] {
  const count = random.int(4, 14);
  const prefix = random.pick(AREA_PREFIXES);
  const duration = input.plannedEnd - input.plannedStart;
  const slot = duration / count;
  return Array.from({ length: count }, (_, index) => {
    const plannedStart = input.plannedStart + Math.floor(index * slot * 0.85);
    const plannedEnd = Math.min(
      input.plannedEnd,
      plannedStart + Math.max(3, Math.round(slot * random.between(1.2, 2.2))),
    );
    const startDay =
      input.actualStart + Math.round((plannedStart - input.plannedStart) * input.pace) + random.int(0, 2);
    const doneDay = Math.max(
      startDay + 1,
      input.actualStart + Math.round((plannedEnd - input.plannedStart) * input.pace) + random.int(-2, 3),
    );
    const label = prefix === 'Level' || prefix === 'Phase' ? String(index + 1) : String.fromCharCode(65 + index);
    return {
      id: ids.next('areas'),
      name: `${prefix} ${label}`,
      weight: Math.round(random.between(0.5, 3) * 4) / 4,
      plannedStart,
      plannedEnd,
      startedAt: instantOn(startDay, random, 13, 22),
      doneAt: instantOn(doneDay, random, 13, 22),
    };
  });
}

export function projectStatusAt(plan: ProjectPlan, asOf: Day): ProjectStatus {
  if (plan.cancelledAt !== null && dayOf(plan.cancelledAt) <= asOf) return 'cancelled';
  if (plan.cancelledAt !== null || plan.actualStart > asOf) return 'planned';
  return plan.actualEnd <= asOf ? 'completed' : 'active';
}

export function isWorkingOn(plan: ProjectPlan, day: Day): boolean {
  return plan.cancelledAt === null && plan.actualStart <= day && day <= plan.actualEnd;
}

/** The project row as the app would hold it at the end of `asOf`. */
export function writeProjectAsOf(writer: SourceWriter, plan: ProjectPlan, asOf: Day, random: SeededRandom): void {
  const status = projectStatusAt(plan, asOf);
  const startedAt = status === 'active' || status === 'completed' ? instantOn(plan.actualStart, random, 11, 13) : null;
  const lastChange =
    status === 'cancelled'
      ? (plan.cancelledAt as Instant)
      : status === 'completed'
        ? Math.max(...plan.areas.map((area) => area.doneAt)) + 1
        : (startedAt ?? plan.createdAt);
  writer.add('projects', {
    id: plan.id,
    company_id: plan.companyId,
    foreman_id: plan.foremanId,
    name: plan.name,
    contract_value: plan.contractValue,
    budget: plan.budget,
    work_type: plan.workType,
    job_type: plan.jobType,
    status,
    planned_start_date: isoDate(plan.plannedStart),
    planned_end_date: isoDate(plan.plannedEnd),
    actual_start_date: startedAt === null ? null : isoDate(plan.actualStart),
    actual_end_date: status === 'completed' ? isoDate(plan.actualEnd) : null,
    created_at: formatInstant(plan.createdAt),
    updated_at: formatInstant(lastChange),
  });
  for (const area of plan.areas) {
    const working = status !== 'cancelled' && dayOf(area.startedAt) <= asOf;
    const done = working && dayOf(area.doneAt) <= asOf;
    writer.add('areas', {
      id: area.id,
      project_id: plan.id,
      name: area.name,
      weight: area.weight,
      status: done ? 'done' : working ? 'working' : 'not_started',
      planned_start_date: isoDate(area.plannedStart),
      planned_end_date: isoDate(area.plannedEnd),
      created_at: formatInstant(plan.createdAt),
      updated_at: formatInstant(done ? area.doneAt : working ? area.startedAt : plan.createdAt),
    });
  }
}
