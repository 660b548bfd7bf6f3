-- Demo OLTP source: a construction-operations field app.
-- Mutable tables carry id, created_at, updated_at (maintained by trigger) and deleted_at (soft delete).
-- area_events and platform_events are append-only logs keyed by a bigserial sequence.

create table if not exists companies (
    id bigint primary key,
    name text not null,
    industry text not null,
    region text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists users (
    id bigint primary key,
    company_id bigint not null references companies (id),
    full_name text not null,
    email text not null,
    phone text,
    role text not null check (role in ('foreman', 'project_manager', 'laborer', 'office')),
    trade text,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists projects (
    id bigint primary key,
    company_id bigint not null references companies (id),
    foreman_id bigint references users (id),
    name text not null,
    contract_value numeric(14, 2) not null,
    budget numeric(14, 2) not null,
    work_type text not null,
    job_type text not null,
    status text not null check (status in ('planned', 'active', 'on_hold', 'completed', 'cancelled')),
    planned_start_date date not null,
    planned_end_date date not null,
    actual_start_date date,
    actual_end_date date,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists areas (
    id bigint primary key,
    project_id bigint not null references projects (id),
    name text not null,
    weight numeric(6, 2) not null check (weight > 0),
    status text not null check (status in ('not_started', 'working', 'done')),
    planned_start_date date,
    planned_end_date date,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists area_events (
    event_id bigserial primary key,
    area_id bigint not null references areas (id),
    event_type text not null,
    payload jsonb not null,
    occurred_at timestamptz not null
);

create table if not exists crew_checkins (
    id bigint primary key,
    project_id bigint not null references projects (id),
    foreman_id bigint not null references users (id),
    checkin_date date not null,
    workers jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    unique (project_id, checkin_date)
);

create table if not exists tm_tickets (
    id bigint primary key,
    project_id bigint not null references projects (id),
    created_by_id bigint not null references users (id),
    ticket_number text not null,
    description text,
    status text not null check (status in ('draft', 'submitted', 'approved', 'rejected', 'billed')),
    work_date date not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists tm_ticket_items (
    id bigint primary key,
    ticket_id bigint not null references tm_tickets (id),
    item_type text not null check (item_type in ('labor', 'material', 'equipment')),
    description text not null,
    quantity numeric(12, 3) not null,
    unit text not null,
    unit_cost numeric(12, 2) not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists change_orders (
    id bigint primary key,
    project_id bigint not null references projects (id),
    change_order_number text not null,
    description text,
    amount numeric(14, 2) not null,
    status text not null check (status in ('pending', 'approved', 'rejected')),
    requested_at timestamptz not null,
    approved_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists haul_offs (
    id bigint primary key,
    project_id bigint not null references projects (id),
    haul_date date not null,
    material_type text not null,
    loads integer not null check (loads > 0),
    estimated_cost numeric(12, 2) not null,
    hauler text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists daily_reports (
    id bigint primary key,
    project_id bigint not null references projects (id),
    author_id bigint not null references users (id),
    report_date date not null,
    weather text,
    temperature_f integer,
    summary text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists injury_reports (
    id bigint primary key,
    project_id bigint not null references projects (id),
    injured_user_id bigint references users (id),
    reported_by_id bigint not null references users (id),
    occurred_at timestamptz not null,
    severity text not null check (severity in ('first_aid', 'recordable', 'lost_time')),
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists material_requests (
    id bigint primary key,
    project_id bigint not null references projects (id),
    requested_by_id bigint not null references users (id),
    material text not null,
    quantity numeric(12, 3) not null,
    unit text not null,
    estimated_cost numeric(12, 2) not null,
    status text not null check (status in ('requested', 'ordered', 'delivered', 'cancelled')),
    needed_by_date date,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists pfa_records (
    id bigint primary key,
    organization_id bigint not null references companies (id),
    project_id bigint references projects (id),
    category text not null,
    source text not null check (source in ('rental', 'purchase')),
    equipment_description text,
    plan_start_date date,
    plan_end_date date,
    plan_cost numeric(14, 2),
    forecast_start_date date,
    forecast_end_date date,
    forecast_cost numeric(14, 2),
    actual_start_date date,
    actual_end_date date,
    actual_cost numeric(14, 2),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz
);

create table if not exists platform_events (
    id bigserial primary key,
    event_type text not null,
    category text not null check (category in ('transaction', 'content', 'user_activity', 'interaction')),
    user_id bigint references users (id),
    project_id bigint references projects (id),
    data jsonb not null default '{}'::jsonb,
    created_at timestamptz not null
);

-- Incremental extraction reads by (updated_at, id); these indexes keep that a range scan.
create index if not exists companies_updated_at_id on companies (updated_at, id);
create index if not exists users_updated_at_id on users (updated_at, id);
create index if not exists projects_updated_at_id on projects (updated_at, id);
create index if not exists areas_updated_at_id on areas (updated_at, id);
create index if not exists crew_checkins_updated_at_id on crew_checkins (updated_at, id);
create index if not exists tm_tickets_updated_at_id on tm_tickets (updated_at, id);
create index if not exists tm_ticket_items_updated_at_id on tm_ticket_items (updated_at, id);
create index if not exists change_orders_updated_at_id on change_orders (updated_at, id);
create index if not exists haul_offs_updated_at_id on haul_offs (updated_at, id);
create index if not exists daily_reports_updated_at_id on daily_reports (updated_at, id);
create index if not exists injury_reports_updated_at_id on injury_reports (updated_at, id);
create index if not exists material_requests_updated_at_id on material_requests (updated_at, id);
create index if not exists pfa_records_updated_at_id on pfa_records (updated_at, id);
create index if not exists areas_project_id on areas (project_id);
create index if not exists area_events_area_id on area_events (area_id);

create or replace function rebar_touch_updated_at() returns trigger
language plpgsql as $$
begin
    -- The app may stamp updated_at itself (the demo generator writes simulated time); otherwise now().
    if new.updated_at is not distinct from old.updated_at then
        new.updated_at := now();
    end if;
    return new;
end;
$$;

do $$
declare
    mutable_table text;
begin
    foreach mutable_table in array array[
        'companies', 'users', 'projects', 'areas', 'crew_checkins', 'tm_tickets', 'tm_ticket_items',
        'change_orders', 'haul_offs', 'daily_reports', 'injury_reports', 'material_requests', 'pfa_records'
    ] loop
        execute format('drop trigger if exists touch_updated_at on %I', mutable_table);
        execute format(
            'create trigger touch_updated_at before update on %I for each row execute function rebar_touch_updated_at()',
            mutable_table
        );
    end loop;
end;
$$;
