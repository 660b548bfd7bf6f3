-- Throwaway source for bench/peers/selftest.sh: three tables shaped like Rebar's source
-- (orchestration/sql/source/001_init.sql), :n_checkins / :n_items / :n_events rows.
drop table if exists crew_checkins, tm_ticket_items, platform_events;

create table crew_checkins (
    id bigserial primary key,
    project_id bigint not null,
    foreman_id bigint not null,
    checkin_date date not null,
    workers jsonb not null,
    hours numeric(6, 2),
    crew_size integer not null,
    approved boolean,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table tm_ticket_items (
    id bigserial primary key,
    ticket_id bigint not null,
    description text not null,
    quantity numeric(12, 3) not null,
    unit_price numeric(12, 2) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table platform_events (
    id bigserial primary key,
    event_type text not null,
    category text not null,
    user_id bigint,
    project_id bigint,
    data jsonb not null default '{}'::jsonb,
    created_at timestamptz not null
);

-- spread cursor values over the past year so they are distinct and older than the changes
insert into crew_checkins (project_id, foreman_id, checkin_date, workers, hours, crew_size, approved, created_at, updated_at, deleted_at)
select 1 + g % 500, 1 + g % 2000, date '2025-01-01' + (g % 365),
       jsonb_build_array(jsonb_build_object('user_id', g % 2000, 'hours', 8, 'role', 'laborer'),
                         jsonb_build_object('user_id', (g + 7) % 2000, 'hours', 6.5, 'role', 'foreman')),
       (g % 1000) / 10.0, 1 + g % 12, case when g % 5 = 0 then null else g % 3 = 0 end,
       now() - interval '365 days' + g * interval '1 second',
       now() - interval '365 days' + g * interval '1 second',
       case when g % 97 = 0 then now() - interval '1 day' end
from generate_series(1, :n_checkins) g;

insert into tm_ticket_items (ticket_id, description, quantity, unit_price, created_at, updated_at)
select 1 + g % 9000, 'item ' || md5(g::text), (g % 5000) / 7.0, (g % 3000) / 3.0,
       now() - interval '365 days' + g * interval '1 second',
       now() - interval '365 days' + g * interval '1 second'
from generate_series(1, :n_items) g;

insert into platform_events (event_type, category, user_id, project_id, data, created_at)
select (array['login', 'view', 'create', 'update'])[1 + g % 4],
       (array['transaction', 'content', 'user_activity', 'interaction'])[1 + g % 4],
       1 + g % 2000, 1 + g % 500,
       jsonb_build_object('seq', g, 'path', '/projects/' || (g % 500), 'ok', g % 3 <> 0),
       now() - interval '365 days' + g * interval '1 second'
from generate_series(1, :n_events) g;

create index on crew_checkins (updated_at, id);
create index on tm_ticket_items (updated_at, id);
analyze;
