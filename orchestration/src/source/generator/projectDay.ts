import {
  BACKGROUND_EVENTS,
  CLIENTS,
  HAUL_MATERIALS,
  HAULERS,
  REQUEST_MATERIALS,
  SCREENS,
  TICKET_LINES,
  WEATHER,
} from './catalog.js';
import { crewForDay, type CrewMember } from './crew.js';
import {
  addHours,
  type Day,
  dayOf,
  dayOfWeek,
  formatInstant,
  type Instant,
  instantOn,
  isoDate,
  isWeekend,
} from './dayClock.js';
import type { IdAllocator } from './idAllocator.js';
import type { SeededRandom } from './random.js';
import type { SourceWriter } from './sourceWriter.js';

/** What the daily activity of a project needs to know about it. */
export interface WorkingProject {
  id: number;
  foremanId: number;
  managerId: number;
  contractValue: number;
  crewSize: number;
  crewPool: readonly CrewMember[];
}

export interface DayContext {
  writer: SourceWriter;
  ids: IdAllocator;
  /** The last simulated day: rows created earlier carry the state they reached by then. */
  asOf: Day;
}

/** Mean background app events (page views, clicks, logins, uploads) per project and day. */
const EVENTS_PER_WORKDAY = 160;
const EVENTS_PER_DAY_OFF = 10;
const BACKGROUND_CHOICES = BACKGROUND_EVENTS.map(
  ([type, category, weight]) => [[type, category] as const, weight] as const,
);
const WEATHER_CHOICES = WEATHER.map((kind, index) => [kind, index < 2 ? 5 : 1] as const);

/** One day of field activity on a project: check-in, report, tickets, haul-offs, requests, incidents, app events. */
export function writeProjectDay(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const onSite = !isWeekend(day) || (dayOfWeek(day) === 6 && random.chance(0.15));
  if (onSite) {
    const workers = crewForDay(project.foremanId, project.crewPool, project.crewSize, random);
    writeCheckin(context, project, day, workers, random);
    writeDailyReport(context, project, day, random);
    for (let count = random.poisson(0.45); count > 0; count -= 1) writeTicket(context, project, day, random);
    for (let count = random.poisson(0.25); count > 0; count -= 1) writeHaulOff(context, project, day, random);
    for (let count = random.poisson(0.35); count > 0; count -= 1) writeMaterialRequest(context, project, day, random);
    for (let count = random.poisson(0.03); count > 0; count -= 1) writeChangeOrder(context, project, day, random);
    if (random.chance(0.003)) writeInjury(context, project, day, workers, random);
  }
  writeBackgroundEvents(
    context,
    project,
    day,
    random.poisson(onSite ? EVENTS_PER_WORKDAY : EVENTS_PER_DAY_OFF),
    random,
  );
}

/** When a row created at `createdAt` was last touched, `days` later but never after the as-of day. */
function touchedLater(context: DayContext, createdAt: Instant, days: number, random: SeededRandom): Instant {
  const day = Math.min(dayOf(createdAt) + days, context.asOf);
  return day <= dayOf(createdAt) ? addHours(createdAt, random.between(0.05, 0.9)) : instantOn(day, random);
}

function ageAt(context: DayContext, day: Day): number {
  return context.asOf - day;
}

function writeCheckin(
  context: DayContext,
  project: WorkingProject,
  day: Day,
  workers: object,
  random: SeededRandom,
): void {
  const createdAt = instantOn(day, random, 21, 23.5);
  context.writer.add('crew_checkins', {
    id: context.ids.next('crew_checkins'),
    project_id: project.id,
    foreman_id: project.foremanId,
    checkin_date: isoDate(day),
    workers,
    created_at: formatInstant(createdAt),
    updated_at: formatInstant(createdAt),
  });
}

function writeDailyReport(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const createdAt = instantOn(day, random, 22, 23.9);
  const deleted = random.chance(0.005);
  const deletedAt = deleted ? touchedLater(context, createdAt, random.int(0, 2), random) : null;
  const weather = random.weighted<string>(WEATHER_CHOICES);
  context.writer.add('daily_reports', {
    id: context.ids.next('daily_reports'),
    project_id: project.id,
    author_id: project.foremanId,
    report_date: isoDate(day),
    weather,
    temperature_f: random.int(weather === 'snow' ? 10 : 35, weather === 'heat' ? 105 : 88),
    summary: `Crew on site; ${random.pick(['forming', 'pouring', 'framing', 'rough-in', 'cleanup', 'layout', 'inspection prep'])} continued.`,
    created_at: formatInstant(createdAt),
    updated_at: formatInstant(deletedAt ?? createdAt),
    deleted_at: deletedAt === null ? null : formatInstant(deletedAt),
  });
}

function writeTicket(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const ticketId = context.ids.next('tm_tickets');
  const createdAt = instantOn(day, random);
  const age = ageAt(context, day);
  const status =
    age < 1
      ? random.pick(['draft', 'submitted'])
      : age < 7
        ? random.weighted<string>([
            ['submitted', 3],
            ['approved', 2],
            ['draft', 1],
          ])
        : random.weighted<string>([
            ['approved', 6],
            ['billed', 3],
            ['rejected', 1],
          ]);
  const deleted = random.chance(0.01);
  const lastChange =
    status === 'draft' && !deleted ? createdAt : touchedLater(context, createdAt, random.int(1, 12), random);
  context.writer.add('tm_tickets', {
    id: ticketId,
    project_id: project.id,
    created_by_id: project.foremanId,
    ticket_number: `TM-${project.id}-${ticketId}`,
    description: random.pick([
      'Owner-directed extra work',
      'Unforeseen condition',
      'Rework after design change',
      'Weekend work requested',
    ]),
    status,
    work_date: isoDate(day),
    created_at: formatInstant(createdAt),
    updated_at: formatInstant(lastChange),
    deleted_at: deleted ? formatInstant(lastChange) : null,
  });
  for (let line = random.int(1, 4); line > 0; line -= 1) {
    const itemType = random.weighted<keyof typeof TICKET_LINES>([
      ['labor', 3],
      ['material', 5],
      ['equipment', 2],
    ]);
    const [description, unit, low, high] = random.pick(TICKET_LINES[itemType]);
    context.writer.add('tm_ticket_items', {
      id: context.ids.next('tm_ticket_items'),
      ticket_id: ticketId,
      item_type: itemType,
      description,
      quantity: Math.round(random.between(1, unit === 'ton' ? 4 : 40) * 1000) / 1000,
      unit,
      unit_cost: Math.round(random.between(low, high) * 100) / 100,
      created_at: formatInstant(createdAt),
      updated_at: formatInstant(createdAt),
    });
  }
}

function writeHaulOff(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const loads = random.int(1, 6);
  const createdAt = instantOn(day, random, 18, 23);
  context.writer.add('haul_offs', {
    id: context.ids.next('haul_offs'),
    project_id: project.id,
    haul_date: isoDate(day),
    material_type: random.pick(HAUL_MATERIALS),
    loads,
    estimated_cost: Math.round(loads * random.between(350, 650) * 100) / 100,
    hauler: random.pick(HAULERS),
    created_at: formatInstant(createdAt),
    updated_at: formatInstant(createdAt),
  });
}

function writeMaterialRequest(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const [material, unit, low, high] = random.pick(REQUEST_MATERIALS);
  const quantity = Math.round(random.between(1, unit === 'ft' ? 2000 : 60) * 1000) / 1000;
  const createdAt = instantOn(day, random);
  const age = ageAt(context, day);
  const status =
    age < 2
      ? 'requested'
      : age < 10
        ? random.weighted<string>([
            ['ordered', 5],
            ['requested', 2],
            ['delivered', 2],
            ['cancelled', 0.3],
          ])
        : random.weighted<string>([
            ['delivered', 17],
            ['cancelled', 1],
            ['ordered', 1],
          ]);
  context.writer.add('material_requests', {
    id: context.ids.next('material_requests'),
    project_id: project.id,
    requested_by_id: random.chance(0.7) ? project.foremanId : project.managerId,
    material,
    quantity,
    unit,
    estimated_cost: Math.round(quantity * random.between(low, high) * 100) / 100,
    status,
    needed_by_date: isoDate(day + random.int(2, 21)),
    created_at: formatInstant(createdAt),
    updated_at: formatInstant(
      status === 'requested' ? createdAt : touchedLater(context, createdAt, random.int(1, 9), random),
    ),
  });
}

function writeChangeOrder(context: DayContext, project: WorkingProject, day: Day, random: SeededRandom): void {
  const changeOrderId = context.ids.next('change_orders');
  const requestedAt = instantOn(day, random);
  const age = ageAt(context, day);
  const status =
    age < 3
      ? 'pending'
      : random.weighted<string>([
          ['approved', 7],
          ['rejected', 1.5],
          ['pending', age < 20 ? 3 : 0.3],
        ]);
  const decidedAt = status === 'pending' ? null : touchedLater(context, requestedAt, random.int(3, 12), random);
  const amount =
    Math.round(
      project.contractValue * (random.chance(0.85) ? random.between(0.003, 0.06) : -random.between(0.002, 0.02)) * 100,
    ) / 100;
  context.writer.add('change_orders', {
    id: changeOrderId,
    project_id: project.id,
    change_order_number: `CO-${project.id}-${changeOrderId}`,
    description: random.pick([
      'Added scope per owner request',
      'Design revision',
      'Credit for deleted scope',
      'Unforeseen site condition',
    ]),
    amount,
    status,
    requested_at: formatInstant(requestedAt),
    approved_at: status === 'approved' ? formatInstant(decidedAt as Instant) : null,
    created_at: formatInstant(requestedAt),
    updated_at: formatInstant(decidedAt ?? requestedAt),
  });
}

function writeInjury(
  context: DayContext,
  project: WorkingProject,
  day: Day,
  workers: readonly { user_id: number }[],
  random: SeededRandom,
): void {
  const occurredAt = instantOn(day, random, 13, 21);
  const reportedAt = addHours(occurredAt, random.between(0.5, 2.5));
  context.writer.add('injury_reports', {
    id: context.ids.next('injury_reports'),
    project_id: project.id,
    injured_user_id: random.pick(workers).user_id,
    reported_by_id: project.foremanId,
    occurred_at: formatInstant(occurredAt),
    severity: random.weighted<string>([
      ['first_aid', 14],
      ['recordable', 5],
      ['lost_time', 1],
    ]),
    description: random.pick([
      'Laceration to hand',
      'Strain lifting material',
      'Slip on wet surface',
      'Struck by falling object',
      'Eye irritation from dust',
    ]),
    created_at: formatInstant(reportedAt),
    updated_at: formatInstant(reportedAt),
  });
}

function writeBackgroundEvents(
  context: DayContext,
  project: WorkingProject,
  day: Day,
  count: number,
  random: SeededRandom,
): void {
  const people = [
    project.foremanId,
    project.foremanId,
    project.managerId,
    ...project.crewPool.slice(0, 4).map((member) => member.userId),
  ];
  for (let index = 0; index < count; index += 1) {
    const [eventType, category] = random.weighted(BACKGROUND_CHOICES);
    context.writer.add('platform_events', {
      event_type: eventType,
      category,
      user_id: random.pick(people),
      project_id: project.id,
      data: { client: random.pick(CLIENTS), screen: random.pick(SCREENS) },
      created_at: formatInstant(instantOn(day, random, 11, 23.9)),
    });
  }
}

/** A business milestone in the platform's event stream (project.created, proposal.submitted, ...). */
export function writeMilestoneEvent(
  context: DayContext,
  input: {
    eventType: string;
    category: 'transaction' | 'content';
    userId: number;
    projectId: number;
    at: Instant;
    data?: object;
  },
): void {
  context.writer.add('platform_events', {
    event_type: input.eventType,
    category: input.category,
    user_id: input.userId,
    project_id: input.projectId,
    data: input.data ?? {},
    created_at: formatInstant(input.at),
  });
}

/** An area status change, as the app logs it in the append-only area_events table. */
export function writeAreaStatusEvent(
  context: DayContext,
  areaId: number,
  fromStatus: string,
  toStatus: string,
  changedBy: number,
  at: Instant,
): void {
  context.writer.add('area_events', {
    area_id: areaId,
    event_type: 'status_changed',
    payload: { from_status: fromStatus, to_status: toStatus, changed_by: changedBy },
    occurred_at: formatInstant(at),
  });
}
