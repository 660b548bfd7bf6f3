import {
  type DeleteResult,
  type InsertResult,
  type Kysely,
  type NotNull,
  sql,
  type SqlBool,
  type UpdateResult,
} from 'kysely';
import type pg from 'pg';
import { type SourceDatabase, sourceDb } from '../sourceDatabase.js';
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
  const db = sourceDb(client);
  const counts = Object.fromEntries(CHAOS_KINDS.map((kind) => [kind, 0])) as Record<ChaosKind, number>;
  // The office's edits come at the end of the day, after the field rows they may correct were written.
  const stamp = (): string => formatInstant(instantOn(day, random, 23, 23.99));
  const firstMicro = formatInstant(day * MICROS_PER_DAY);
  const lastMicro = formatInstant((day + 1) * MICROS_PER_DAY - 1);
  const edit = async (kind: ChaosKind, done: Promise<Changed>): Promise<number> => {
    const changed = rowsChanged(await done);
    counts[kind] += changed;
    return changed;
  };
  /** A random id among the rows a query returns (ordered, so the pick is deterministic), or null. */
  const pickId = async (found: Promise<{ id: string }[]>): Promise<string | null> => {
    const rows = await found;
    return rows.length === 0 ? null : random.pick(rows).id;
  };
  const today = isoDate(day);
  const daysBefore = (days: number) => sql<Date>`${today}::date - ${days}::int`;

  const migration = await applyNextMigration(client);
  if (migration) counts.migration += 1;
  const newValuesAllowed = (await appliedMigrations(client)).has('new_values');

  // Parents restored (soft-deleted by chaos at least two days ago), then others soft-deleted. The
  // ordinary generator never soft-deletes these four tables, so every deleted one here is chaos's.
  for (const table of ['companies', 'projects', 'users', 'areas'] as const) {
    const deleted = await pickId(
      db
        .selectFrom(table)
        .select('id')
        .where('deleted_at', '<', sql<Date>`${today}::date - 1`)
        .orderBy('id')
        .execute(),
    );
    if (deleted !== null && random.chance(0.5)) {
      await edit(
        'restored_parent',
        db
          .updateTable(table)
          .set({ deleted_at: null, updated_at: stamp() })
          .where('id', '=', deleted)
          .executeTakeFirstOrThrow(),
      );
    }
  }
  const softDeleteChance = { companies: 0.15, projects: 0.4, users: 0.4, areas: 0.5 } as const;
  for (const table of ['companies', 'projects', 'users', 'areas'] as const) {
    if (!random.chance(softDeleteChance[table])) continue;
    const id = await pickId(
      db
        .selectFrom(table)
        .select('id')
        .where('deleted_at', 'is', null)
        // At least one company stays, so the night still has a warehouse to compare.
        .$if(table === 'companies', (query) =>
          query.where((eb) =>
            eb(eb.selectFrom('companies').select(eb.fn.countAll().as('live')).where('deleted_at', 'is', null), '>', 1),
          ),
        )
        .orderBy('id')
        .execute(),
    );
    if (id !== null) {
      const at = stamp();
      await edit(
        'soft_deleted_parent',
        db.updateTable(table).set({ deleted_at: at, updated_at: at }).where('id', '=', id).executeTakeFirstOrThrow(),
      );
    }
  }

  // Rows deleted outright (no soft delete): leaf rows with nothing referencing them.
  for (const [table, dateColumn] of [
    ['crew_checkins', 'checkin_date'],
    ['haul_offs', 'haul_date'],
    ['material_requests', 'needed_by_date'],
  ] as const) {
    if (!random.chance(0.7)) continue;
    const id = await pickId(
      db
        .selectFrom(table)
        .select('id')
        .where((eb) => eb.between(dateColumn, daysBefore(60), daysBefore(0)))
        .orderBy('id')
        .execute(),
    );
    if (id !== null) await edit('hard_deleted', db.deleteFrom(table).where('id', '=', id).executeTakeFirstOrThrow());
  }
  if (random.chance(0.5)) {
    const id = await pickId(
      db.selectFrom('tm_ticket_items').select('id').where('created_at', '>=', daysBefore(60)).orderBy('id').execute(),
    );
    if (id !== null)
      await edit('hard_deleted', db.deleteFrom('tm_ticket_items').where('id', '=', id).executeTakeFirstOrThrow());
  }

  // Foremen: one active project handed to another foreman of its company; now and then a planned
  // project's foreman unassigned (NULL, which projects.foreman_id allows).
  const reassignable = await db
    .selectFrom('projects')
    .innerJoin('users as others', (join) =>
      join
        .onRef('others.company_id', '=', 'projects.company_id')
        .on('others.role', '=', 'foreman')
        .onRef('others.id', '<>', 'projects.foreman_id')
        .on('others.deleted_at', 'is', null),
    )
    .select(['projects.id', 'others.id as foreman_id'])
    .where('projects.status', '=', 'active')
    .where('projects.deleted_at', 'is', null)
    .orderBy('projects.id')
    .orderBy('others.id')
    .execute();
  if (reassignable.length > 0 && random.chance(0.6)) {
    const choice = random.pick(reassignable);
    await edit(
      'foreman_reassigned',
      db
        .updateTable('projects')
        .set({ foreman_id: choice.foreman_id, updated_at: stamp() })
        .where('id', '=', choice.id)
        .executeTakeFirstOrThrow(),
    );
  }
  if (random.chance(0.2)) {
    const id = await pickId(
      db
        .selectFrom('projects')
        .select('id')
        .where('status', '=', 'planned')
        .where('foreman_id', 'is not', null)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute(),
    );
    if (id !== null)
      await edit(
        'foreman_unassigned',
        db
          .updateTable('projects')
          .set({ foreman_id: null, updated_at: stamp() })
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
      );
  }

  // Values no seed lists: a worker role typed by a foreman on today's check-ins.
  const todaysCheckin = await pickId(
    db.selectFrom('crew_checkins').select('id').where('checkin_date', '=', daysBefore(0)).orderBy('id').execute(),
  );
  if (todaysCheckin !== null) {
    const worker = { user_id: null as number | null, role: random.pick(UNSEEDED_ROLES), hours: random.pick([4, 6, 8]) };
    const laborer = await pickId(
      db
        .selectFrom('users')
        .innerJoin('crew_checkins', (join) => join.on('crew_checkins.id', '=', todaysCheckin))
        .innerJoin('projects', 'projects.id', 'crew_checkins.project_id')
        .select('users.id')
        .whereRef('users.company_id', '=', 'projects.company_id')
        .where('users.role', '=', 'laborer')
        .orderBy('users.id')
        .execute(),
    );
    worker.user_id = laborer === null ? null : Number(laborer);
    await edit(
      'unseeded_value',
      db
        .updateTable('crew_checkins')
        .set({
          workers: sql<string>`workers || jsonb_build_array(${JSON.stringify(worker)}::jsonb)`,
          updated_at: stamp(),
        })
        .where('id', '=', todaysCheckin)
        .executeTakeFirstOrThrow(),
    );
  }
  if (newValuesAllowed) {
    // An area blocked at the first microsecond of the day (and one blocked earlier released), a
    // finished project moved to warranty, a system event, a subcontract line on a recent ticket.
    const working = await pickId(
      db
        .selectFrom('areas')
        .innerJoin('projects', 'projects.id', 'areas.project_id')
        .select('areas.id')
        .where('areas.status', '=', 'working')
        .where('areas.deleted_at', 'is', null)
        .where('areas.updated_at', '<', daysBefore(0))
        .where('projects.deleted_at', 'is', null)
        .orderBy('areas.id')
        .execute(),
    );
    if (working !== null) {
      await edit(
        'unseeded_value',
        db
          .updateTable('areas')
          .set({ status: 'blocked', updated_at: firstMicro })
          .where('id', '=', working)
          .executeTakeFirstOrThrow(),
      );
      await logAreaStatus(db, working, 'working', 'blocked', firstMicro);
      counts.edge_time += 1;
    }
    const blocked = await pickId(
      db
        .selectFrom('areas')
        .select('id')
        .where('status', '=', 'blocked')
        .where('updated_at', '<', daysBefore(0))
        .orderBy('id')
        .execute(),
    );
    if (blocked !== null && random.chance(0.5)) {
      const at = stamp();
      await edit(
        'unseeded_value',
        db
          .updateTable('areas')
          .set({ status: 'working', updated_at: at })
          .where('id', '=', blocked)
          .executeTakeFirstOrThrow(),
      );
      await logAreaStatus(db, blocked, 'blocked', 'working', at);
    }
    const completed = await pickId(
      db
        .selectFrom('projects')
        .select('id')
        .where('status', '=', 'completed')
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute(),
    );
    if (completed !== null && random.chance(0.5)) {
      await edit(
        'unseeded_value',
        db
          .updateTable('projects')
          .set({ status: 'warranty', updated_at: stamp() })
          .where('id', '=', completed)
          .executeTakeFirstOrThrow(),
      );
    }
    await edit(
      'unseeded_value',
      insertEvent(db, { event_type: 'sync.completed', category: 'system', user_id: null, created_at: stamp() }),
    );
    const ticket = await pickId(
      db
        .selectFrom('tm_tickets')
        .select('id')
        .where((eb) => eb.between('work_date', daysBefore(7), daysBefore(0)))
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute(),
    );
    if (ticket !== null) {
      const at = stamp();
      await edit(
        'unseeded_value',
        db
          .insertInto('tm_ticket_items')
          .values({
            id: input.ids.next('tm_ticket_items'),
            ticket_id: ticket,
            item_type: 'subcontract',
            description: 'Firestopping subcontractor',
            quantity: 1,
            unit: 'ls',
            unit_cost: random.int(800, 4000),
            created_at: at,
            updated_at: at,
          })
          .executeTakeFirstOrThrow(),
      );
    }
  }
  // An event type no seed or earlier event has, in an existing category.
  await edit(
    'unseeded_value',
    insertEvent(db, { event_type: 'rfi.submitted', category: 'content', user_id: null, created_at: stamp() }),
  );

  // Corrections dated weeks back, made today.
  const weeksBack = (column: 'checkin_date' | 'haul_date' | 'tm_tickets.work_date') =>
    sql<SqlBool>`${sql.ref(column)} between ${daysBefore(42)} and ${daysBefore(14)}`;
  const oldCheckin = await pickId(
    db
      .selectFrom('crew_checkins')
      .select('id')
      .where(weeksBack('checkin_date'))
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute(),
  );
  if (oldCheckin !== null) {
    await edit(
      'backdated_correction',
      db
        .updateTable('crew_checkins')
        .set({
          workers: sql<string>`jsonb_set(workers, '{0,hours}', to_jsonb((workers -> 0 ->> 'hours')::numeric + 1.5))`,
          updated_at: stamp(),
        })
        .where('id', '=', oldCheckin)
        .executeTakeFirstOrThrow(),
    );
  }
  const oldItem = await pickId(
    db
      .selectFrom('tm_ticket_items')
      .innerJoin('tm_tickets', 'tm_tickets.id', 'tm_ticket_items.ticket_id')
      .select('tm_ticket_items.id')
      .where(weeksBack('tm_tickets.work_date'))
      .where('tm_ticket_items.deleted_at', 'is', null)
      .orderBy('tm_ticket_items.id')
      .execute(),
  );
  if (oldItem !== null) {
    await edit(
      'backdated_correction',
      db
        .updateTable('tm_ticket_items')
        .set({ quantity: sql<string>`quantity + 2`, updated_at: stamp() })
        .where('id', '=', oldItem)
        .executeTakeFirstOrThrow(),
    );
  }
  const oldHaul = await pickId(
    db
      .selectFrom('haul_offs')
      .select('id')
      .where(weeksBack('haul_date'))
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute(),
  );
  if (oldHaul !== null) {
    await edit(
      'backdated_correction',
      db
        .updateTable('haul_offs')
        .set({ loads: sql<number>`loads + 1`, estimated_cost: sql<string>`estimated_cost + 450`, updated_at: stamp() })
        .where('id', '=', oldHaul)
        .executeTakeFirstOrThrow(),
    );
  }

  // Inserted late: a check-in and a haul-off for a day weeks ago, on a project under way then. A
  // gap search over generate_series with correlated subqueries: plain SQL reads better than a builder.
  const missing = await client.query<{ project_id: string; foreman_id: string; checkin_date: string; workers: object }>(
    `select projects.id as project_id, projects.foreman_id, gap.day::date::text as checkin_date,
            (select workers from crew_checkins as nearest where nearest.project_id = projects.id order by abs(nearest.checkin_date - gap.day::date), nearest.id limit 1) as workers
     from projects cross join generate_series($1::date - $3::int, $1::date - $2::int, interval '1 day') as gap(day)
     where projects.deleted_at is null and projects.foreman_id is not null and projects.actual_start_date <= gap.day
       and coalesce(projects.actual_end_date, $1::date) >= gap.day
       and not exists (select 1 from crew_checkins where crew_checkins.project_id = projects.id and crew_checkins.checkin_date = gap.day::date)
       and exists (select 1 from crew_checkins where crew_checkins.project_id = projects.id)
     order by 1, 3`,
    [today, 14, 42],
  );
  if (missing.rows.length > 0) {
    const late = random.pick(missing.rows);
    const at = stamp();
    await edit(
      'late_insert',
      db
        .insertInto('crew_checkins')
        .values({
          id: input.ids.next('crew_checkins'),
          project_id: late.project_id,
          foreman_id: late.foreman_id,
          checkin_date: late.checkin_date,
          workers: JSON.stringify(late.workers),
          created_at: at,
          updated_at: at,
        })
        .executeTakeFirstOrThrow(),
    );
    await edit(
      'late_insert',
      db
        .insertInto('haul_offs')
        .values({
          id: input.ids.next('haul_offs'),
          project_id: late.project_id,
          haul_date: late.checkin_date,
          material_type: 'mixed debris',
          loads: 2,
          estimated_cost: '780.00',
          hauler: 'Late Hauling Co',
          created_at: at,
          updated_at: at,
        })
        .executeTakeFirstOrThrow(),
    );
  }

  // Duplicate and NULL references where the schema allows them.
  const recentCheckin = await pickId(
    db
      .selectFrom('crew_checkins')
      .select('id')
      .where((eb) => eb.between('checkin_date', daysBefore(3), daysBefore(0)))
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute(),
  );
  if (recentCheckin !== null) {
    await edit(
      'duplicate_or_null_reference',
      db
        .updateTable('crew_checkins')
        .set({
          workers: sql<string>`workers || jsonb_build_array(workers -> 0, jsonb_build_object('user_id', null, 'role', 'laborer', 'hours', 8))`,
          updated_at: stamp(),
        })
        .where('id', '=', recentCheckin)
        .executeTakeFirstOrThrow(),
    );
  }
  const injuryProject = await db
    .selectFrom('projects')
    .select(['id', 'company_id', 'foreman_id'])
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .where('foreman_id', 'is not', null)
    .$narrowType<{ foreman_id: NotNull }>()
    .orderBy('id')
    .execute();
  if (injuryProject.length > 0) {
    const project = random.pick(injuryProject);
    await edit(
      'duplicate_or_null_reference',
      db
        .insertInto('injury_reports')
        .values({
          id: input.ids.next('injury_reports'),
          project_id: project.id,
          injured_user_id: null,
          reported_by_id: project.foreman_id,
          occurred_at: lastMicro,
          severity: 'first_aid',
          description: 'Visitor cut a hand; not a registered user',
          created_at: lastMicro,
          updated_at: lastMicro,
        })
        .executeTakeFirstOrThrow(),
    );
    counts.edge_time += 1;
    const id = input.ids.next('pfa_records');
    const at = stamp();
    await edit(
      'duplicate_or_null_reference',
      db
        .insertInto('pfa_records')
        .values({
          id,
          organization_id: project.company_id,
          project_id: null,
          category: 'lifts',
          source: 'rental',
          equipment_description: 'Yard forklift, shared by all projects',
          plan_start_date: today,
          plan_end_date: sql<string>`${today}::date + 30`,
          plan_cost: '3200.00',
          created_at: at,
          updated_at: at,
        })
        .executeTakeFirstOrThrow(),
    );
  }
  await edit(
    'duplicate_or_null_reference',
    insertEvent(db, { event_type: 'search.performed', category: 'interaction', user_id: null, created_at: stamp() }),
  );

  // Events on the first and the last microsecond of the day.
  const someUser = await pickId(
    db.selectFrom('users').select('id').where('deleted_at', 'is', null).orderBy('id').execute(),
  );
  for (const at of [firstMicro, lastMicro]) {
    await edit(
      'edge_time',
      insertEvent(db, { event_type: 'user.login', category: 'user_activity', user_id: someUser, created_at: at }),
    );
  }

  return { counts, migrations: migration ? [migration] : [] };
}

type Changed = UpdateResult | DeleteResult | InsertResult;

function rowsChanged(result: Changed): number {
  if ('numUpdatedRows' in result) return Number(result.numUpdatedRows);
  if ('numDeletedRows' in result) return Number(result.numDeletedRows);
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** An app event with no project and no payload. */
function insertEvent(
  db: Kysely<SourceDatabase>,
  event: {
    event_type: string;
    category: 'content' | 'interaction' | 'system' | 'user_activity';
    user_id: string | null;
    created_at: string;
  },
): Promise<InsertResult> {
  return db
    .insertInto('platform_events')
    .values({ ...event, project_id: null, data: '{}' })
    .executeTakeFirstOrThrow();
}

async function logAreaStatus(
  db: Kysely<SourceDatabase>,
  areaId: string,
  from: string,
  to: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('area_events')
    .values({
      area_id: areaId,
      event_type: 'status_changed',
      payload: JSON.stringify({ from_status: from, to_status: to, changed_by: null }),
      occurred_at: at,
    })
    .execute();
}
