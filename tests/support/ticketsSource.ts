import type pg from 'pg';

/**
 * The loaders' test source: `tickets`, a mutable table (soft delete, an updated_at bumped by a
 * trigger, numeric, boolean, jsonb, date columns), and `events`, an append-only log of 50 rows
 * keyed by a sequence. Each test file inserts its own tickets.
 */
export async function createTicketsAndEvents(client: pg.ClientBase): Promise<void> {
  await client.query(`
    create table tickets (
      id bigint primary key, title text, amount numeric(14, 2), is_billable boolean, details jsonb, work_date date,
      updated_at timestamptz not null default now(), deleted_at timestamptz);
    create function touch() returns trigger language plpgsql as $$ begin new.updated_at := clock_timestamp(); return new; end $$;
    create trigger touch before update on tickets for each row execute function touch();
    create table events (event_id bigserial primary key, payload jsonb not null, occurred_at timestamptz not null);
    insert into events (payload, occurred_at) select jsonb_build_object('n', n), '2026-01-01'::timestamptz + n * interval '1 minute' from generate_series(1, 50) as n;
  `);
}
