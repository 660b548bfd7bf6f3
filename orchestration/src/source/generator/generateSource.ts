import type { Kysely } from 'kysely';
import type pg from 'pg';
import { type SourceDatabase, sourceDb } from '../sourceDatabase.js';
import { writeCompanies } from './companies.js';
import { type Day, dayOf, instantOn, isoDate, parseIsoDate } from './dayClock.js';
import { IdAllocator } from './idAllocator.js';
import { writePfaRecords } from './pfaRecords.js';
import { type DayContext, writeAreaStatusEvent, writeMilestoneEvent, writeProjectDay } from './projectDay.js';
import { isWorkingOn, planProject, type ProjectPlan, writeProjectAsOf } from './projectPlan.js';
import { isPlantedIdle, type PlantedAnswers, noPlantedProjects, plantInto } from './plantedAnswers.js';
import { SeededRandom } from './random.js';
import type { SourceTable } from './sourceTables.js';
import { SourceWriter } from './sourceWriter.js';

export interface GenerateSourceInput {
  /** 1 = 100 projects a year (about 1.5M rows a year). */
  scale: number;
  years: number;
  seed: number;
  /** Last simulated day, YYYY-MM-DD. */
  endDate: string;
}

export interface GenerateSourceOutput {
  startDate: string;
  endDate: string;
  planted: PlantedAnswers;
  rowsByTable: Record<SourceTable, number>;
  totalRows: number;
}

/**
 * Fills an empty demo source with `years` of history ending on `endDate`, deterministically from
 * `seed`, in one transaction: either all of it is written or none.
 */
export async function generateSource(client: pg.ClientBase, input: GenerateSourceInput): Promise<GenerateSourceOutput> {
  if (!(input.scale > 0) || !(input.years > 0))
    throw new Error(`--scale and --years must be positive numbers (got scale ${input.scale}, years ${input.years})`);
  const endDay = parseIsoDate(input.endDate);
  const startDay = endDay - Math.round(365 * input.years) + 1;
  const db = sourceDb(client);
  await assertEmpty(db);

  const random = new SeededRandom(input.seed);
  const ids = new IdAllocator();
  const writer = new SourceWriter(client);
  const context: DayContext = { writer, ids, asOf: endDay };

  const projectCount = Math.max(3, Math.round(100 * input.scale * input.years));
  const companyCount = Math.max(2, Math.round(8 * input.scale));
  const companies = writeCompanies(writer, ids, random.fork(1), {
    count: companyCount,
    projectsPerCompany: projectCount / companyCount / input.years,
    firstDay: startDay,
  });
  const foremanPace = new Map(companies.flatMap((company) => [...company.foremanPace]));
  const firstCompany = companies[0] as (typeof companies)[number];
  const planted = noPlantedProjects(firstCompany.staff.foremen[0] as number);

  const planning = random.fork(2);
  const creationDays = Array.from({ length: projectCount }, () =>
    planning.int(startDay, Math.max(startDay, endDay - 10)),
  ).sort((a, b) => a - b);

  // By hand, not db.transaction(): the COPY streams in between run on the raw client.
  await client.query('begin');
  try {
    let next = 0;
    let live: ProjectPlan[] = [];
    for (let day: Day = startDay; day <= endDay; day += 1) {
      const today = random.fork(3, day);
      while (next < creationDays.length && creationDays[next] === day) {
        const company = companies[next % companies.length] as (typeof companies)[number];
        // Every other project of the first company goes to the planted fast foreman, so his lead shows on several projects.
        const foremanId = next % (2 * companies.length) === 0 ? planted.fastForemanId : undefined;
        const plan = planProject(planning, ids, {
          staff: company.staff,
          createdDay: day,
          pace: (id) => foremanPace.get(id) ?? 1,
          foremanId,
        });
        plantInto(plan, planted, endDay);
        writeProjectAsOf(writer, plan, endDay, planning);
        writeMilestoneEvent(context, {
          eventType: 'project.created',
          category: 'content',
          userId: plan.managerId,
          projectId: plan.id,
          at: plan.createdAt,
        });
        live.push(plan);
        next += 1;
      }
      for (const plan of live) {
        const fieldWork = !isPlantedIdle(planted, plan.id, day, endDay);
        writeLifecycleDay(context, plan, day, today, { foremanPace: foremanPace.get(plan.foremanId) ?? 1, fieldWork });
      }
      if (day % 30 === 0) live = live.filter((plan) => plan.actualEnd >= day && plan.cancelledAt === null);
      await writer.flushIfFull();
    }
    await writer.flush();
    await db
      .insertInto('demo_clock')
      .values({ simulated_through: isoDate(endDay), seed: input.seed })
      .onConflict((conflict) =>
        conflict.column('singleton').doUpdateSet((eb) => ({
          simulated_through: eb.ref('excluded.simulated_through'),
          seed: eb.ref('excluded.seed'),
        })),
      )
      .execute();
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  const rowsByTable = { ...writer.written };
  return {
    startDate: isoDate(startDay),
    endDate: isoDate(endDay),
    planted,
    rowsByTable,
    totalRows: Object.values(rowsByTable).reduce((sum, count) => sum + count, 0),
  };
}

/** One project's events on one day of its life: funnel milestones, equipment plans, area progress, field work. */
function writeLifecycleDay(
  context: DayContext,
  plan: ProjectPlan,
  day: Day,
  random: SeededRandom,
  options: { foremanPace: number; fieldWork: boolean },
): void {
  const { foremanPace } = options;
  if (day === dayOf(plan.createdAt) + 2 && random.chance(0.85)) {
    writeMilestoneEvent(context, {
      eventType: 'proposal.submitted',
      category: 'transaction',
      userId: plan.managerId,
      projectId: plan.id,
      at: instantOn(day, random),
    });
  }
  if (!isWorkingOn(plan, day)) return;
  if (day === plan.actualStart) {
    writePfaRecords(context.writer, context.ids, random, {
      organizationId: plan.companyId,
      projectId: plan.id,
      startDay: day,
      pace: foremanPace,
      asOf: context.asOf,
    });
    if (random.chance(0.75)) {
      writeMilestoneEvent(context, {
        eventType: 'milestone.approved',
        category: 'transaction',
        userId: plan.managerId,
        projectId: plan.id,
        at: instantOn(day, random),
      });
    }
  }
  if ((day - plan.actualStart) % 30 === 29) {
    writeMilestoneEvent(context, {
      eventType: 'payment.completed',
      category: 'transaction',
      userId: plan.managerId,
      projectId: plan.id,
      at: instantOn(day, random),
      data: { amount: Math.round(plan.contractValue / Math.max(1, (plan.plannedEnd - plan.plannedStart) / 30)) },
    });
  }
  for (const area of plan.areas) {
    if (dayOf(area.startedAt) === day)
      writeAreaStatusEvent(context, area.id, 'not_started', 'working', plan.foremanId, area.startedAt);
    if (dayOf(area.doneAt) === day)
      writeAreaStatusEvent(context, area.id, 'working', 'done', plan.foremanId, area.doneAt);
  }
  if (options.fieldWork) writeProjectDay(context, plan, day, random);
}

async function assertEmpty(db: Kysely<SourceDatabase>): Promise<void> {
  const found = await db
    .selectNoFrom((eb) =>
      eb
        .or([
          eb.exists(eb.selectFrom('companies').select(eb.lit(1).as('one'))),
          eb.exists(eb.selectFrom('projects').select(eb.lit(1).as('one'))),
        ])
        .as('has_rows'),
    )
    .executeTakeFirst();
  if (found?.has_rows) {
    throw new Error(
      'The source already holds data: `rebar generate` only fills an empty database. Use `rebar simulate-day` to add a day of activity, or point REBAR_SOURCE_URL at an empty database.',
    );
  }
}
