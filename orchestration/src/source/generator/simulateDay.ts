import type pg from 'pg';
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

interface OpenArea {
  id: number;
  projectId: number;
  status: 'not_started' | 'working' | 'done';
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
    const clock = await client.query<{ simulated_through: string }>('select simulated_through::text as simulated_through from demo_clock for update');
    const through = clock.rows[0]?.simulated_through;
    if (through === undefined) throw new Error('The source has no generated demo data to continue: run `rebar generate` first.');
    const day = parseIsoDate(through) + 1;
    const random = new SeededRandom(input.seed).fork(day);
    const writer = new SourceWriter(client);
    const context: DayContext = { writer, ids: new IdAllocator(await lastIds(client)), asOf: day };
    const updated = emptyCounts();
    const softDeleted = emptyCounts();
    const stamp = (): Instant => instantOn(day, random);
    const update = async (table: SourceTable, sql: string, params: unknown[]): Promise<void> => {
      updated[table] += (await client.query(sql, params)).rowCount ?? 0;
    };

    const staff = await loadStaff(client);
    const projects = await loadOpenProjects(client);
    const areasByProject = await loadOpenAreas(client, projects.map((project) => project.id));

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
        await update('projects', "update projects set status = 'active', actual_start_date = $2, updated_at = $3 where id = $1", [project.id, isoDate(day), formatInstant(stamp())]);
        writePfaRecords(writer, context.ids, random, { organizationId: project.companyId, projectId: project.id, startDay: day, pace: 1, asOf: day });
        writeMilestoneEvent(context, { eventType: 'milestone.approved', category: 'transaction', userId: working.managerId, projectId: project.id, at: stamp() });
      }
      const areas = areasByProject.get(project.id) ?? [];
      for (const area of progressAreas(areas, random)) {
        const at = stamp();
        await update('areas', 'update areas set status = $2, updated_at = $3 where id = $1', [area.id, area.to, formatInstant(at)]);
        writeAreaStatusEvent(context, area.id, area.from, area.to, project.foremanId, at);
      }
      if (areas.length > 0 && areas.every((area) => area.status === 'done')) {
        await update('projects', "update projects set status = 'completed', actual_end_date = $2, updated_at = $3 where id = $1", [project.id, isoDate(day), formatInstant(stamp())]);
        continue;
      }
      writeProjectDay(context, working, day, random);
    }

    for (let count = random.poisson(await newProjectsPerDay(client)); count > 0; count -= 1) {
      const company = random.pick([...staff.values()].filter((candidate) => candidate.foremen.length > 0 && candidate.managers.length > 0));
      const plan = planProject(random, context.ids, { staff: company, createdDay: day, pace: () => 1 });
      writeProjectAsOf(writer, plan, day, random);
      writeMilestoneEvent(context, { eventType: 'project.created', category: 'content', userId: plan.managerId, projectId: plan.id, at: plan.createdAt });
    }

    await progressOlderRows(day, update, stamp);
    await softDeleteMistakes(client, day, random, softDeleted, stamp);

    await writer.flush();
    const chaos = input.chaos ? await makeChaosEdits(client, { day, random: new SeededRandom(input.seed).fork(day, CHAOS_STREAM), ids: context.ids }) : undefined;
    await client.query('update demo_clock set simulated_through = $1', [isoDate(day)]);
    await client.query('commit');
    return { day: isoDate(day), inserted: { ...writer.written }, updated, softDeleted, ...(chaos ? { chaos } : {}) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Working areas finish, waiting ones start; a project with waiting areas always has one under way. */
function progressAreas(areas: OpenArea[], random: SeededRandom): { id: number; from: string; to: string }[] {
  const changes: { id: number; from: string; to: string }[] = [];
  for (const area of areas) {
    const next = area.status === 'working' && random.chance(0.12) ? 'done' : area.status === 'not_started' && random.chance(0.08) ? 'working' : null;
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
  day: Day,
  update: (table: SourceTable, sql: string, params: unknown[]) => Promise<void>,
  stamp: () => Instant,
): Promise<void> {
  const today = isoDate(day);
  // One step per row per day: rows already touched today wait for tomorrow.
  const oldest = (table: string, where: string, share: number) => {
    const candidates = `from ${table} where deleted_at is null and updated_at < $1::date and ${where}`;
    return `id in (select id ${candidates} order by id limit greatest(1, (select count(*) ${candidates}) * ${share}))`;
  };
  await update('tm_tickets', `update tm_tickets set status = 'submitted', updated_at = $2 where ${oldest('tm_tickets', "status = 'draft' and work_date < $1::date", 1)}`, [today, formatInstant(stamp())]);
  await update('tm_tickets', `update tm_tickets set status = 'approved', updated_at = $2 where ${oldest('tm_tickets', "status = 'submitted' and work_date < $1::date - 1", 0.3)}`, [today, formatInstant(stamp())]);
  await update('tm_tickets', `update tm_tickets set status = 'billed', updated_at = $2 where ${oldest('tm_tickets', "status = 'approved' and work_date < $1::date - 14", 0.1)}`, [today, formatInstant(stamp())]);
  const decidedAt = formatInstant(stamp());
  await update('change_orders', `update change_orders set status = 'approved', approved_at = $2, updated_at = $2 where ${oldest('change_orders', "status = 'pending' and requested_at < $1::date - 3", 0.25)}`, [today, decidedAt]);
  await update('material_requests', `update material_requests set status = 'ordered', updated_at = $2 where ${oldest('material_requests', "status = 'requested' and created_at < $1::date", 0.6)}`, [today, formatInstant(stamp())]);
  await update('material_requests', `update material_requests set status = 'delivered', updated_at = $2 where ${oldest('material_requests', "status = 'ordered' and needed_by_date <= $1::date", 0.8)}`, [today, formatInstant(stamp())]);
  await update('pfa_records', `update pfa_records set forecast_cost = round(forecast_cost * (1 + ((id * 7 + ($1::date - date '2000-01-01')) % 11 - 3) / 100.0), 2), updated_at = $2 where ${oldest('pfa_records', "actual_cost is null and (id + ($1::date - date '2000-01-01')) % 20 = 0", 1)}`, [today, formatInstant(stamp())]);
}

/** A few entries made by mistake in the last week are soft-deleted, as field staff do. */
async function softDeleteMistakes(client: pg.ClientBase, day: Day, random: SeededRandom, softDeleted: Record<SourceTable, number>, stamp: () => Instant): Promise<void> {
  for (const [table, dateColumn] of [['haul_offs', 'haul_date'], ['tm_tickets', 'work_date'], ['daily_reports', 'report_date']] as const) {
    if (!random.chance(0.6)) continue;
    const at = formatInstant(stamp());
    const result = await client.query(
      `update ${table} set deleted_at = $2, updated_at = $2
       where id = (select id from ${table} where deleted_at is null and ${dateColumn} between $1::date - 7 and $1::date - 1 order by id desc limit 1 offset $3)`,
      [isoDate(day), at, random.int(0, 5)],
    );
    softDeleted[table] += result.rowCount ?? 0;
  }
}

async function lastIds(client: pg.ClientBase): Promise<Partial<Record<SourceTable, number>>> {
  const sql = ID_TABLES.map((table) => `select '${table}' as table_name, coalesce(max(id), 0)::bigint as last_id from ${table}`).join(' union all ');
  const result = await client.query<{ table_name: SourceTable; last_id: string }>(sql);
  return Object.fromEntries(result.rows.map((row) => [row.table_name, Number(row.last_id)]));
}

async function loadStaff(client: pg.ClientBase): Promise<Map<number, CompanyStaff>> {
  const result = await client.query<{ id: string; company_id: string; role: string; trade: string | null }>(
    'select users.id, users.company_id, users.role, users.trade from users join companies on companies.id = users.company_id where users.deleted_at is null and users.is_active and companies.deleted_at is null order by users.id',
  );
  const staff = new Map<number, CompanyStaff>();
  for (const row of result.rows) {
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

async function loadOpenProjects(client: pg.ClientBase): Promise<OpenProject[]> {
  const result = await client.query<{ id: string; company_id: string; foreman_id: string | null; contract_value: number; budget: number; status: 'planned' | 'active'; planned_start_date: string; planned_end_date: string }>(
    `select id, company_id, foreman_id, contract_value::float8 as contract_value, budget::float8 as budget, status,
            planned_start_date::text as planned_start_date, planned_end_date::text as planned_end_date
     from projects where deleted_at is null and foreman_id is not null and status in ('planned', 'active') order by id`,
  );
  return result.rows.map((row) => ({
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

async function loadOpenAreas(client: pg.ClientBase, projectIds: number[]): Promise<Map<number, OpenArea[]>> {
  const result = await client.query<{ id: string; project_id: string; status: OpenArea['status'] }>(
    'select id, project_id, status from areas where deleted_at is null and project_id = any($1::bigint[]) order by id',
    [projectIds],
  );
  const byProject = new Map<number, OpenArea[]>();
  for (const row of result.rows) {
    const area: OpenArea = { id: Number(row.id), projectId: Number(row.project_id), status: row.status };
    byProject.set(area.projectId, [...(byProject.get(area.projectId) ?? []), area]);
  }
  return byProject;
}

/** New projects arrive at the pace the history shows. */
async function newProjectsPerDay(client: pg.ClientBase): Promise<number> {
  const result = await client.query<{ per_day: number | null }>(
    "select count(*)::float8 / greatest(1, extract(epoch from max(created_at) - min(created_at)) / 86400) as per_day from projects where deleted_at is null",
  );
  return result.rows[0]?.per_day ?? 0;
}
