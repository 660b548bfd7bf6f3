import {
  type Kysely,
  type NotNull,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
  type UpdateResult,
} from 'kysely';
import type pg from 'pg';
import { type AreasTable, type SourceDatabase, sourceDb } from '../sourceDatabase.js';
import { type ChaosEditsOutput, makeChaosEdits } from './chaosEdits.js';
import { type CompanyStaff, crewPoolFor, crewSizeFor } from './crew.js';
import { type Day, formatInstant, type Instant, instantOn, isoDate, parseIsoDate } from './dayClock.js';
import { IdAllocator } from './idAllocator.js';
import { writePfaRecords } from './pfaRecords.js';
import { type DayContext, writeAreaStatusEvent, writeMilestoneEvent, writeProjectDay } from './projectDay.js';
import { planProject, writeProjectAsOf } from './projectPlan.js';
import { SeededRandom } from './random.js';
import { emptyCounts, ID_TABLES, type SourceTable } from './sourceTables.js';
import { SourceWriter } from './sourceWriter.js';

export interface SimulateDayInput {
  seed: number;
  /** Also make the ordinary edits of a real field app the day never makes (chaosEdits.ts). */
  chaos?: boolean;
}

export interface SimulateDayOutput {
  /** The simulated day just written, YYYY-MM-DD. */
  day: string;
  inserted: Record<SourceTable, number>;
  updated: Record<SourceTable, number>;
  softDeleted: Record<SourceTable, number>;
  /** What the chaos edits did, when asked for. */
  chaos?: ChaosEditsOutput;
}

/** The chaos edits draw from their own stream, so the ordinary day is the same with or without them. */
const CHAOS_STREAM = 0xc4a05;

interface OpenProject {
  id: number;
  companyId: number;
  foremanId: number;
  contractValue: number;
  budget: number;
  status: 'planned' | 'active';
  plannedStart: Day;
  plannedEnd: Day;
}

interface AreaChange {
  id: number;
  from: OpenArea['status'];
  to: OpenArea['status'];
}

interface OpenArea {
  id: number;
  projectId: number;
  /** blocked (after the new_values chaos migration) never moves in the ordinary day. */
  status: Selectable<AreasTable>['status'];
}

/**
 * Moves a generated demo source forward by one day, in one transaction: projects start and finish,
 * areas change status (logged in area_events), field activity is inserted, older rows progress
 * (tickets approved, change orders decided, deliveries, forecast revisions) and a few are soft-deleted.
 */
export async function simulateDay(client: pg.ClientBase, input: SimulateDayInput): Promise<SimulateDayOutput> {
  await client.query('begin');
  try {
    // Day boundaries below compare timestamps with dates: make them UTC days whatever the server's zone.
    await client.query("set local time zone 'UTC'");
    const db = sourceDb(client);
    const clock = await db
      .selectFrom('demo_clock')
      .select((eb) => eb.cast<string>('simulated_through', 'text').as('simulated_through'))
      .forUpdate()
      .executeTakeFirst();
    const through = clock?.simulated_through;
    if (through === undefined)
      throw new Error('The source has no generated demo data to continue: run `rebar generate` first.');
    const day = parseIsoDate(through) + 1;
    const random = new SeededRandom(input.seed).fork(day);
    const writer = new SourceWriter(client);
    const context: DayContext = { writer, ids: new IdAllocator(await lastIds(client)), asOf: day };
    const updated = emptyCounts();
    const softDeleted = emptyCounts();
    const stamp = (): Instant => instantOn(day, random);
    const update: Tally = async (table, query) => {
      updated[table] += Number((await query.executeTakeFirstOrThrow()).numUpdatedRows);
    };

    const staff = await loadStaff(db);
    const projects = await loadOpenProjects(db);
    const areasByProject = await loadOpenAreas(
      db,
      projects.map((project) => project.id),
    );

    for (const project of projects) {
      const company = staff.get(project.companyId);
      if (!company || company.managers.length === 0) continue;
      const crewSize = crewSizeFor(project.budget, project.plannedStart, project.plannedEnd);
      const working = {
        id: project.id,
        foremanId: project.foremanId,
        managerId: company.managers[project.id % company.managers.length] as number,
        contractValue: project.contractValue,
        crewSize,
        crewPool: crewPoolFor(project.id, crewSize, company.laborers),
      };
      if (project.status === 'planned') {
        if (project.plannedStart > day || !random.chance(0.7)) continue;
        await update(
          'projects',
          db
            .updateTable('projects')
            .set({ status: 'active', actual_start_date: isoDate(day), updated_at: formatInstant(stamp()) })
            .where('id', '=', String(project.id)),
        );
        writePfaRecords(writer, context.ids, random, {
          organizationId: project.companyId,
          projectId: project.id,
          startDay: day,
          pace: 1,
          asOf: day,
        });
        writeMilestoneEvent(context, {
          eventType: 'milestone.approved',
          category: 'transaction',
          userId: working.managerId,
          projectId: project.id,
          at: stamp(),
        });
      }
      const areas = areasByProject.get(project.id) ?? [];
      for (const area of progressAreas(areas, random)) {
        const at = stamp();
        await update(
          'areas',
          db
            .updateTable('areas')
            .set({ status: area.to, updated_at: formatInstant(at) })
            .where('id', '=', String(area.id)),
        );
        writeAreaStatusEvent(context, area.id, area.from, area.to, project.foremanId, at);
      }
      if (areas.length > 0 && areas.every((area) => area.status === 'done')) {
        await update(
          'projects',
          db
            .updateTable('projects')
            .set({ status: 'completed', actual_end_date: isoDate(day), updated_at: formatInstant(stamp()) })
            .where('id', '=', String(project.id)),
        );
        continue;
      }
      writeProjectDay(context, working, day, random);
    }

    for (let count = random.poisson(await newProjectsPerDay(db)); count > 0; count -= 1) {
      const company = random.pick(
        [...staff.values()].filter((candidate) => candidate.foremen.length > 0 && candidate.managers.length > 0),
      );
      const plan = planProject(random, context.ids, { staff: company, createdDay: day, pace: () => 1 });
      writeProjectAsOf(writer, plan, day, random);
      writeMilestoneEvent(context, {
        eventType: 'project.created',
        category: 'content',
        userId: plan.managerId,
        projectId: plan.id,
        at: plan.createdAt,
      });
    }

    await progressOlderRows(db, day, update, stamp);
    await softDeleteMistakes(db, day, random, softDeleted, stamp);

    await writer.flush();
    const chaos = input.chaos
      ? await makeChaosEdits(client, {
          day,
          random: new SeededRandom(input.seed).fork(day, CHAOS_STREAM),
          ids: context.ids,
        })
      : undefined;
    await db
      .updateTable('demo_clock')
      .set({ simulated_through: isoDate(day) })
      .execute();
    await client.query('commit');
    return { day: isoDate(day), inserted: { ...writer.written }, updated, softDeleted, ...(chaos ? { chaos } : {}) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Runs an update and adds the rows it changed to the table's count. */
type Tally = (table: SourceTable, query: { executeTakeFirstOrThrow(): Promise<UpdateResult> }) => Promise<void>;

/** Working areas finish, waiting ones start; a project with waiting areas always has one under way. */
function progressAreas(areas: OpenArea[], random: SeededRandom): AreaChange[] {
  const changes: AreaChange[] = [];
  for (const area of areas) {
    const next =
      area.status === 'working' && random.chance(0.12)
        ? 'done'
        : area.status === 'not_started' && random.chance(0.08)
          ? 'working'
          : null;
    if (next) {
      changes.push({ id: area.id, from: area.status, to: next });
      area.status = next;
    }
  }
  const waiting = areas.find((area) => area.status === 'not_started');
  if (waiting && !areas.some((area) => area.status === 'working')) {
    changes.push({ id: waiting.id, from: 'not_started', to: 'working' });
    waiting.status = 'working';
  }
  return changes;
}

/** Rows created on earlier days move along their workflow, oldest first, a share per day. */
async function progressOlderRows(
  db: Kysely<SourceDatabase>,
  day: Day,
  update: Tally,
  stamp: () => Instant,
): Promise<void> {
  const today = isoDate(day);
  // One step per row per day: rows already touched today wait for tomorrow.
  const oldest = (table: ProgressingTable, where: RawBuilder<SqlBool>, share: number): RawBuilder<SqlBool> => {
    const candidates = sql`from ${sql.table(table)} where deleted_at is null and updated_at < ${today}::date and ${where}`;
    return sql<SqlBool>`id in (select id ${candidates} order by id limit greatest(1, (select count(*) ${candidates}) * ${sql.lit(share)}))`;
  };
  await update(
    'tm_tickets',
    db
      .updateTable('tm_tickets')
      .set({ status: 'submitted', updated_at: formatInstant(stamp()) })
      .where(oldest('tm_tickets', sql`status = 'draft' and work_date < ${today}::date`, 1)),
  );
  await update(
    'tm_tickets',
    db
      .updateTable('tm_tickets')
      .set({ status: 'approved', updated_at: formatInstant(stamp()) })
      .where(oldest('tm_tickets', sql`status = 'submitted' and work_date < ${today}::date - 1`, 0.3)),
  );
  await update(
    'tm_tickets',
    db
      .updateTable('tm_tickets')
      .set({ status: 'billed', updated_at: formatInstant(stamp()) })
      .where(oldest('tm_tickets', sql`status = 'approved' and work_date < ${today}::date - 14`, 0.1)),
  );
  const decidedAt = formatInstant(stamp());
  await update(
    'change_orders',
    db
      .updateTable('change_orders')
      .set({ status: 'approved', approved_at: decidedAt, updated_at: decidedAt })
      .where(oldest('change_orders', sql`status = 'pending' and requested_at < ${today}::date - 3`, 0.25)),
  );
  await update(
    'material_requests',
    db
      .updateTable('material_requests')
      .set({ status: 'ordered', updated_at: formatInstant(stamp()) })
      .where(oldest('material_requests', sql`status = 'requested' and created_at < ${today}::date`, 0.6)),
  );
  await update(
    'material_requests',
    db
      .updateTable('material_requests')
      .set({ status: 'delivered', updated_at: formatInstant(stamp()) })
      .where(oldest('material_requests', sql`status = 'ordered' and needed_by_date <= ${today}::date`, 0.8)),
  );
  // A forecast revision of -3% to +7%, the same for the same row and day.
  const revised = sql<string>`round(forecast_cost * (1 + ((id * 7 + (${today}::date - date '2000-01-01')) % 11 - 3) / 100.0), 2)`;
  await update(
    'pfa_records',
    db
      .updateTable('pfa_records')
      .set({ forecast_cost: revised, updated_at: formatInstant(stamp()) })
      .where(
        oldest('pfa_records', sql`actual_cost is null and (id + (${today}::date - date '2000-01-01')) % 20 = 0`, 1),
      ),
  );
}

/** Tables whose rows move along a workflow day by day. */
type ProgressingTable = 'tm_tickets' | 'change_orders' | 'material_requests' | 'pfa_records';

/** A few entries made by mistake in the last week are soft-deleted, as field staff do. */
async function softDeleteMistakes(
  db: Kysely<SourceDatabase>,
  day: Day,
  random: SeededRandom,
  softDeleted: Record<SourceTable, number>,
  stamp: () => Instant,
): Promise<void> {
  const today = isoDate(day);
  for (const [table, dateColumn] of [
    ['haul_offs', 'haul_date'],
    ['tm_tickets', 'work_date'],
    ['daily_reports', 'report_date'],
  ] as const) {
    if (!random.chance(0.6)) continue;
    const at = formatInstant(stamp());
    const mistake = db
      .selectFrom(table)
      .select('id')
      .where('deleted_at', 'is', null)
      .where((eb) => eb.between(dateColumn, sql<Date>`${today}::date - 7`, sql<Date>`${today}::date - 1`))
      .orderBy('id', 'desc')
      .limit(1)
      .offset(random.int(0, 5));
    const result = await db
      .updateTable(table)
      .set({ deleted_at: at, updated_at: at })
      .where('id', '=', mistake)
      .executeTakeFirstOrThrow();
    softDeleted[table] += Number(result.numUpdatedRows);
  }
}

/** One query over every table with generator-assigned ids, built from the table list: plain SQL, since kysely would add only ceremony. */
async function lastIds(client: pg.ClientBase): Promise<Partial<Record<SourceTable, number>>> {
  const sql = ID_TABLES.map(
    (table) => `select '${table}' as table_name, coalesce(max(id), 0)::bigint as last_id from ${table}`,
  ).join(' union all ');
  const result = await client.query<{ table_name: SourceTable; last_id: string }>(sql);
  return Object.fromEntries(result.rows.map((row) => [row.table_name, Number(row.last_id)]));
}

async function loadStaff(db: Kysely<SourceDatabase>): Promise<Map<number, CompanyStaff>> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('companies', 'companies.id', 'users.company_id')
    .select(['users.id', 'users.company_id', 'users.role', 'users.trade'])
    .where('users.deleted_at', 'is', null)
    .where('users.is_active', '=', true)
    .where('companies.deleted_at', 'is', null)
    .orderBy('users.id')
    .execute();
  const staff = new Map<number, CompanyStaff>();
  for (const row of rows) {
    const companyId = Number(row.company_id);
    const company = staff.get(companyId) ?? { companyId, foremen: [], managers: [], office: [], laborers: [] };
    staff.set(companyId, company);
    const userId = Number(row.id);
    if (row.role === 'foreman') company.foremen.push(userId);
    else if (row.role === 'project_manager') company.managers.push(userId);
    else if (row.role === 'office') company.office.push(userId);
    else company.laborers.push({ userId, trade: row.trade ?? 'laborer' });
  }
  return staff;
}

async function loadOpenProjects(db: Kysely<SourceDatabase>): Promise<OpenProject[]> {
  const rows = await db
    .selectFrom('projects')
    .select((eb) => [
      'id',
      'company_id',
      'foreman_id',
      eb.cast<number>('contract_value', 'float8').as('contract_value'),
      eb.cast<number>('budget', 'float8').as('budget'),
      'status',
      eb.cast<string>('planned_start_date', 'text').as('planned_start_date'),
      eb.cast<string>('planned_end_date', 'text').as('planned_end_date'),
    ])
    .where('deleted_at', 'is', null)
    .where('foreman_id', 'is not', null)
    .where('status', 'in', ['planned', 'active'])
    .$narrowType<{ foreman_id: NotNull; status: OpenProject['status'] }>()
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    companyId: Number(row.company_id),
    foremanId: Number(row.foreman_id),
    contractValue: row.contract_value,
    budget: row.budget,
    status: row.status,
    plannedStart: parseIsoDate(row.planned_start_date),
    plannedEnd: parseIsoDate(row.planned_end_date),
  }));
}

async function loadOpenAreas(db: Kysely<SourceDatabase>, projectIds: number[]): Promise<Map<number, OpenArea[]>> {
  // = any(array) rather than in (...): the list may be empty.
  const rows = await db
    .selectFrom('areas')
    .select(['id', 'project_id', 'status'])
    .where('deleted_at', 'is', null)
    .where('project_id', '=', sql<string>`any(${projectIds}::bigint[])`)
    .orderBy('id')
    .execute();
  const byProject = new Map<number, OpenArea[]>();
  for (const row of rows) {
    const area: OpenArea = { id: Number(row.id), projectId: Number(row.project_id), status: row.status };
    byProject.set(area.projectId, [...(byProject.get(area.projectId) ?? []), area]);
  }
  return byProject;
}

/** New projects arrive at the pace the history shows. */
async function newProjectsPerDay(db: Kysely<SourceDatabase>): Promise<number> {
  const row = await db
    .selectFrom('projects')
    .select(
      sql<
        number | null
      >`count(*)::float8 / greatest(1, extract(epoch from max(created_at) - min(created_at)) / 86400)`.as('per_day'),
    )
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.per_day ?? 0;
}
