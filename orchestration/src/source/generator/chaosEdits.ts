import type pg from 'pg';
import { applyNextMigration, appliedMigrations } from './chaosMigrations.js';
import { type Day, formatInstant, instantOn, isoDate } from './dayClock.js';
import type { IdAllocator } from './idAllocator.js';
import type { SeededRandom } from './random.js';

/** Kinds of edit `simulate-day --chaos` makes; the counts say how many of each a day made. */
export const CHAOS_KINDS = [
  'soft_deleted_parent',
  'restored_parent',
  'hard_deleted',
  'foreman_reassigned',
  'foreman_unassigned',
  'unseeded_value',
  'backdated_correction',
  'late_insert',
  'duplicate_or_null_reference',
  'edge_time',
  'migration',
] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];

export interface ChaosEditsInput {
  day: Day;
  random: SeededRandom;
  ids: IdAllocator;
}

export interface ChaosEditsOutput {
  counts: Record<ChaosKind, number>;
  /** Migrations applied today (see chaosMigrations.ts). */
  migrations: string[];
}

/** Worker roles, none of them in seeds/labor_rates.csv (the app lets foremen type a role). */
const UNSEEDED_ROLES = ['drone_pilot', 'BIM Coordinator', ' Safety Officer '];
const MICROS_PER_DAY = 86_400_000_000;

/**
 * The edits a real field app makes that the ordinary simulated day never does, on top of that day and
 * in its transaction, stamped with the simulated clock as the app would: parents soft-deleted and
 * restored, rows deleted outright, foremen reassigned, values no seed lists, corrections and late
 * inserts dated weeks back, duplicate and NULL references where the schema allows them, events on
 * the day's first and last microsecond, and one schema migration a day until all are applied.
 */
export async function makeChaosEdits(client: pg.ClientBase, input: ChaosEditsInput): Promise<ChaosEditsOutput> {
  const { day, random } = input;
  const counts = Object.fromEntries(CHAOS_KINDS.map((kind) => [kind, 0])) as Record<ChaosKind, number>;
  // The office's edits come at the end of the day, after the field rows they may correct were written.
  const stamp = (): string => formatInstant(instantOn(day, random, 23, 23.99));
  const firstMicro = formatInstant(day * MICROS_PER_DAY);
  const lastMicro = formatInstant((day + 1) * MICROS_PER_DAY - 1);
  const edit = async (kind: ChaosKind, sql: string, params: unknown[]): Promise<number> => {
    const changed = (await client.query(sql, params)).rowCount ?? 0;
    counts[kind] += changed;
    return changed;
  };
  /** A random id among those a query returns (ordered, so the pick is deterministic), or null. */
  const pickId = async (sql: string, params: unknown[] = []): Promise<number | null> => {
    const rows = (await client.query<{ id: string }>(sql, params)).rows;
    return rows.length === 0 ? null : Number(random.pick(rows).id);
  };
  const today = isoDate(day);

  const migration = await applyNextMigration(client);
  if (migration) counts.migration += 1;
  const newValuesAllowed = (await appliedMigrations(client)).has('new_values');

  // Parents restored (soft-deleted by chaos at least two days ago), then others soft-deleted. The
  // ordinary generator never soft-deletes these four tables, so every deleted one here is chaos's.
  for (const table of ['companies', 'projects', 'users', 'areas'] as const) {
    const deleted = await pickId(`select id from ${table} where deleted_at < $1::date - 1 order by id`, [today]);
    if (deleted !== null && random.chance(0.5)) await edit('restored_parent', `update ${table} set deleted_at = null, updated_at = $2 where id = $1`, [deleted, stamp()]);
  }
  const softDeleteChance = { companies: 0.15, projects: 0.4, users: 0.4, areas: 0.5 } as const;
  for (const table of ['companies', 'projects', 'users', 'areas'] as const) {
    if (!random.chance(softDeleteChance[table])) continue;
    // At least one company stays, so the night still has a warehouse to compare.
    const keepOne = table === 'companies' ? 'and (select count(*) from companies where deleted_at is null) > 1' : '';
    const id = await pickId(`select id from ${table} where deleted_at is null ${keepOne} order by id`);
    if (id !== null) {
      const at = stamp();
      await edit('soft_deleted_parent', `update ${table} set deleted_at = $2, updated_at = $2 where id = $1`, [id, at]);
    }
  }

  // Rows deleted outright (no soft delete): leaf rows with nothing referencing them.
  for (const [table, dateColumn] of [['crew_checkins', 'checkin_date'], ['haul_offs', 'haul_date'], ['material_requests', 'needed_by_date']] as const) {
    if (!random.chance(0.7)) continue;
    const id = await pickId(`select id from ${table} where ${dateColumn} between $1::date - 60 and $1::date order by id`, [today]);
    if (id !== null) await edit('hard_deleted', `delete from ${table} where id = $1`, [id]);
  }
  if (random.chance(0.5)) {
    const id = await pickId('select id from tm_ticket_items where created_at >= $1::date - 60 order by id', [today]);
    if (id !== null) await edit('hard_deleted', 'delete from tm_ticket_items where id = $1', [id]);
  }

  // Foremen: one active project handed to another foreman of its company; now and then a planned
  // project's foreman unassigned (NULL, which projects.foreman_id allows).
  const reassignable = await client.query<{ id: string; foreman_id: string }>(
    `select projects.id, others.id as foreman_id from projects
     join users as others on others.company_id = projects.company_id and others.role = 'foreman' and others.id <> projects.foreman_id and others.deleted_at is null
     where projects.status = 'active' and projects.deleted_at is null order by projects.id, others.id`,
  );
  if (reassignable.rows.length > 0 && random.chance(0.6)) {
    const choice = random.pick(reassignable.rows);
    await edit('foreman_reassigned', 'update projects set foreman_id = $2, updated_at = $3 where id = $1', [choice.id, choice.foreman_id, stamp()]);
  }
  if (random.chance(0.2)) {
    const id = await pickId("select id from projects where status = 'planned' and foreman_id is not null and deleted_at is null order by id");
    if (id !== null) await edit('foreman_unassigned', 'update projects set foreman_id = null, updated_at = $2 where id = $1', [id, stamp()]);
  }

  // Values no seed lists: a worker role typed by a foreman on today's check-ins.
  const todaysCheckin = await pickId('select id from crew_checkins where checkin_date = $1::date order by id', [today]);
  if (todaysCheckin !== null) {
    const worker = { user_id: null as number | null, role: random.pick(UNSEEDED_ROLES), hours: random.pick([4, 6, 8]) };
    worker.user_id = await pickId(`select users.id from users join crew_checkins on crew_checkins.id = $1
      join projects on projects.id = crew_checkins.project_id where users.company_id = projects.company_id and users.role = 'laborer' order by users.id`, [todaysCheckin]);
    await edit('unseeded_value', 'update crew_checkins set workers = workers || jsonb_build_array($2::jsonb), updated_at = $3 where id = $1', [todaysCheckin, JSON.stringify(worker), stamp()]);
  }
  if (newValuesAllowed) {
    // An area blocked at the first microsecond of the day (and one blocked earlier released), a
    // finished project moved to warranty, a system event, a subcontract line on a recent ticket.
    const working = await pickId(`select areas.id from areas join projects on projects.id = areas.project_id
      where areas.status = 'working' and areas.deleted_at is null and areas.updated_at < $1::date and projects.deleted_at is null order by areas.id`, [today]);
    if (working !== null) {
      await edit('unseeded_value', "update areas set status = 'blocked', updated_at = $2 where id = $1", [working, firstMicro]);
      await logAreaStatus(client, working, 'working', 'blocked', firstMicro);
      counts.edge_time += 1;
    }
    const blocked = await pickId("select id from areas where status = 'blocked' and updated_at < $1::date order by id", [today]);
    if (blocked !== null && random.chance(0.5)) {
      const at = stamp();
      await edit('unseeded_value', "update areas set status = 'working', updated_at = $2 where id = $1", [blocked, at]);
      await logAreaStatus(client, blocked, 'blocked', 'working', at);
    }
    const completed = await pickId("select id from projects where status = 'completed' and deleted_at is null order by id");
    if (completed !== null && random.chance(0.5)) await edit('unseeded_value', "update projects set status = 'warranty', updated_at = $2 where id = $1", [completed, stamp()]);
    await edit('unseeded_value', "insert into platform_events (event_type, category, user_id, project_id, data, created_at) values ('sync.completed', 'system', null, null, '{}', $1)", [stamp()]);
    const ticket = await pickId('select id from tm_tickets where work_date between $1::date - 7 and $1::date and deleted_at is null order by id', [today]);
    if (ticket !== null) {
      const at = stamp();
      await edit('unseeded_value', `insert into tm_ticket_items (id, ticket_id, item_type, description, quantity, unit, unit_cost, created_at, updated_at)
        values ($1, $2, 'subcontract', 'Firestopping subcontractor', 1, 'ls', $3, $4, $4)`, [input.ids.next('tm_ticket_items'), ticket, random.int(800, 4000), at]);
    }
  }
  // An event type no seed or earlier event has, in an existing category.
  await edit('unseeded_value', "insert into platform_events (event_type, category, user_id, project_id, data, created_at) values ('rfi.submitted', 'content', null, null, '{}', $1)", [stamp()]);

  // Corrections dated weeks back, made today.
  const weeksBack = [today, 14, 42] as const;
  const oldCheckin = await pickId('select id from crew_checkins where checkin_date between $1::date - $3::int and $1::date - $2::int and deleted_at is null order by id', [...weeksBack]);
  if (oldCheckin !== null) {
    await edit('backdated_correction', `update crew_checkins set workers = jsonb_set(workers, '{0,hours}', to_jsonb((workers -> 0 ->> 'hours')::numeric + 1.5)), updated_at = $2
      where id = $1`, [oldCheckin, stamp()]);
  }
  const oldItem = await pickId(`select tm_ticket_items.id from tm_ticket_items join tm_tickets on tm_tickets.id = tm_ticket_items.ticket_id
    where tm_tickets.work_date between $1::date - $3::int and $1::date - $2::int and tm_ticket_items.deleted_at is null order by tm_ticket_items.id`, [...weeksBack]);
  if (oldItem !== null) await edit('backdated_correction', 'update tm_ticket_items set quantity = quantity + 2, updated_at = $2 where id = $1', [oldItem, stamp()]);
  const oldHaul = await pickId('select id from haul_offs where haul_date between $1::date - $3::int and $1::date - $2::int and deleted_at is null order by id', [...weeksBack]);
  if (oldHaul !== null) await edit('backdated_correction', 'update haul_offs set loads = loads + 1, estimated_cost = estimated_cost + 450, updated_at = $2 where id = $1', [oldHaul, stamp()]);

  // Inserted late: a check-in and a haul-off for a day weeks ago, on a project under way then.
  const missing = await client.query<{ project_id: string; foreman_id: string; checkin_date: string; workers: object }>(
    `select projects.id as project_id, projects.foreman_id, gap.day::date::text as checkin_date,
            (select workers from crew_checkins as nearest where nearest.project_id = projects.id order by abs(nearest.checkin_date - gap.day::date), nearest.id limit 1) as workers
     from projects cross join generate_series($1::date - $3::int, $1::date - $2::int, interval '1 day') as gap(day)
     where projects.deleted_at is null and projects.foreman_id is not null and projects.actual_start_date <= gap.day
       and coalesce(projects.actual_end_date, $1::date) >= gap.day
       and not exists (select 1 from crew_checkins where crew_checkins.project_id = projects.id and crew_checkins.checkin_date = gap.day::date)
       and exists (select 1 from crew_checkins where crew_checkins.project_id = projects.id)
     order by 1, 3`,
    [...weeksBack],
  );
  if (missing.rows.length > 0) {
    const late = random.pick(missing.rows);
    const at = stamp();
    await edit('late_insert', `insert into crew_checkins (id, project_id, foreman_id, checkin_date, workers, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)`,
      [input.ids.next('crew_checkins'), late.project_id, late.foreman_id, late.checkin_date, JSON.stringify(late.workers), at]);
    await edit('late_insert', `insert into haul_offs (id, project_id, haul_date, material_type, loads, estimated_cost, hauler, created_at, updated_at)
      values ($1, $2, $3, 'mixed debris', 2, 780.00, 'Late Hauling Co', $4, $4)`, [input.ids.next('haul_offs'), late.project_id, late.checkin_date, at]);
  }

  // Duplicate and NULL references where the schema allows them.
  const recentCheckin = await pickId('select id from crew_checkins where checkin_date between $1::date - 3 and $1::date and deleted_at is null order by id', [today]);
  if (recentCheckin !== null) {
    await edit('duplicate_or_null_reference', `update crew_checkins set workers = workers || jsonb_build_array(workers -> 0, jsonb_build_object('user_id', null, 'role', 'laborer', 'hours', 8)),
      updated_at = $2 where id = $1`, [recentCheckin, stamp()]);
  }
  const injuryProject = await client.query<{ id: string; company_id: string; foreman_id: string }>(
    "select id, company_id, foreman_id from projects where status = 'active' and deleted_at is null and foreman_id is not null order by id",
  );
  if (injuryProject.rows.length > 0) {
    const project = random.pick(injuryProject.rows);
    await edit('duplicate_or_null_reference', `insert into injury_reports (id, project_id, injured_user_id, reported_by_id, occurred_at, severity, description, created_at, updated_at)
      values ($1, $2, null, $3, $4, 'first_aid', 'Visitor cut a hand; not a registered user', $4, $4)`, [input.ids.next('injury_reports'), project.id, project.foreman_id, lastMicro]);
    counts.edge_time += 1;
    await edit('duplicate_or_null_reference', `insert into pfa_records (id, organization_id, project_id, category, source, equipment_description, plan_start_date, plan_end_date, plan_cost, created_at, updated_at)
      values ($1, $2, null, 'lifts', 'rental', 'Yard forklift, shared by all projects', $3::date, $3::date + 30, 3200.00, $4, $4)`,
    [input.ids.next('pfa_records'), project.company_id, today, stamp()]);
  }
  await edit('duplicate_or_null_reference', "insert into platform_events (event_type, category, user_id, project_id, data, created_at) values ('search.performed', 'interaction', null, null, '{}', $1)", [stamp()]);

  // Events on the first and the last microsecond of the day.
  const someUser = await pickId('select id from users where deleted_at is null order by id');
  for (const at of [firstMicro, lastMicro]) {
    await edit('edge_time', "insert into platform_events (event_type, category, user_id, project_id, data, created_at) values ('user.login', 'user_activity', $1, null, '{}', $2)", [someUser, at]);
  }

  return { counts, migrations: migration ? [migration] : [] };
}

async function logAreaStatus(client: pg.ClientBase, areaId: number, from: string, to: string, at: string): Promise<void> {
  await client.query("insert into area_events (area_id, event_type, payload, occurred_at) values ($1, 'status_changed', $2, $3)", [
    areaId,
    JSON.stringify({ from_status: from, to_status: to, changed_by: null }),
    at,
  ]);
}
