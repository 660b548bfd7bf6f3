import type pg from 'pg';

/**
 * The schema migrations a field app ships over time, applied by `simulate-day --chaos` one per day,
 * in this order, each once. Why these:
 * - new_values widens four CHECK constraints, as an app release that adds an area status (blocked),
 *   a project status (warranty), an event category (system) and a ticket item type (subcontract)
 *   does. None of them is in a seed (status_mappings, event_retention_policy, cost_codes).
 * - add_column adds tm_tickets.source_app to a table with existing rows and fills it for those rows
 *   in the migration, with the updated_at trigger off, as a backfill migration does: old rows get
 *   values without their updated_at moving, so an incremental extract never re-reads them.
 * - rename_column renames users.phone to phone_number. The generator never writes users after
 *   `rebar generate`, so the simulated app keeps working; the dbt project reads users.phone only
 *   for dim_user's masked phone, which no business question uses, so the warehouse stays right
 *   for every other figure while a user follows with a model change; raw must still hold every
 *   user's phone_number.
 */
export const CHAOS_MIGRATIONS = ['new_values', 'add_column', 'rename_column'] as const;
export type ChaosMigration = (typeof CHAOS_MIGRATIONS)[number];

/** Applies the first migration not applied yet, if any, and says which. */
export async function applyNextMigration(client: pg.ClientBase): Promise<ChaosMigration | null> {
  const applied = await appliedMigrations(client);
  const next = CHAOS_MIGRATIONS.find((migration) => !applied.has(migration));
  if (next === undefined) return null;
  for (const statement of MIGRATION_SQL[next]) await client.query(statement);
  return next;
}

export async function appliedMigrations(client: pg.ClientBase): Promise<Set<ChaosMigration>> {
  const result = await client.query<{ new_values: boolean; add_column: boolean; rename_column: boolean }>(`select
      exists (select 1 from pg_constraint where conname = 'areas_status_check' and pg_get_constraintdef(oid) like '%blocked%') as new_values,
      exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'tm_tickets' and column_name = 'source_app') as add_column,
      exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'users' and column_name = 'phone_number') as rename_column`);
  const row = result.rows[0];
  return new Set(CHAOS_MIGRATIONS.filter((migration) => row?.[migration]));
}

const MIGRATION_SQL: Record<ChaosMigration, string[]> = {
  new_values: [
    `alter table areas drop constraint areas_status_check,
       add constraint areas_status_check check (status in ('not_started', 'working', 'done', 'blocked'))`,
    `alter table projects drop constraint projects_status_check,
       add constraint projects_status_check check (status in ('planned', 'active', 'on_hold', 'completed', 'cancelled', 'warranty'))`,
    `alter table platform_events drop constraint platform_events_category_check,
       add constraint platform_events_category_check check (category in ('transaction', 'content', 'user_activity', 'interaction', 'system'))`,
    `alter table tm_ticket_items drop constraint tm_ticket_items_item_type_check,
       add constraint tm_ticket_items_item_type_check check (item_type in ('labor', 'material', 'equipment', 'subcontract'))`,
  ],
  add_column: [
    "alter table tm_tickets add column source_app text not null default 'field_app'",
    'alter table tm_tickets disable trigger touch_updated_at',
    "update tm_tickets set source_app = case when id % 4 = 0 then 'office_import' else 'field_app_v1' end",
    'alter table tm_tickets enable trigger touch_updated_at',
  ],
  rename_column: ['alter table users rename column phone to phone_number'],
};
