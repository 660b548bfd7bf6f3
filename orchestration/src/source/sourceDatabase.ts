import { type ColumnType, Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';

// Column types as node-postgres hands them back by default, and as the generator writes them.
/** bigint: node-postgres returns int8 as text, since it may pass 2^53; compare with text too (Postgres reads it as bigint). */
type Int8 = ColumnType<string, number | string, number | string>;
type NullableInt8 = ColumnType<string | null, number | string | null | undefined, number | string | null>;
/** A bigserial key the database numbers. */
type SerialInt8 = ColumnType<string, number | string | undefined, number | string>;
/** numeric: returned as text, so no decimal is rounded on the way. */
type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;
/** date and timestamptz: returned as Date, written as ISO text. */
type Stamp = ColumnType<Date, string, string>;
type NullableStamp = ColumnType<Date | null, string | null | undefined, string | null>;
/** created_at and updated_at: default now() when the app does not stamp them. */
type DefaultStamp = ColumnType<Date, string | undefined, string>;
/** jsonb: returned parsed, written as JSON text (node-postgres would send a JS array as a Postgres array). */
type Jsonb = ColumnType<unknown, string, string>;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;
type NullableInt4 = ColumnType<number | null, number | null | undefined, number | null>;

interface Lifecycle {
  created_at: DefaultStamp;
  updated_at: DefaultStamp;
  deleted_at: NullableStamp;
}

export interface CompaniesTable extends Lifecycle {
  id: Int8;
  name: string;
  industry: string;
  region: string;
}

export interface UsersTable extends Lifecycle {
  id: Int8;
  company_id: Int8;
  full_name: string;
  email: string;
  /** Renamed phone_number by the rename_column chaos migration: no typed query reads it. */
  phone: NullableText;
  role: 'foreman' | 'project_manager' | 'laborer' | 'office';
  trade: NullableText;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ProjectsTable extends Lifecycle {
  id: Int8;
  company_id: Int8;
  foreman_id: NullableInt8;
  name: string;
  contract_value: Numeric;
  budget: Numeric;
  work_type: string;
  job_type: string;
  /** 'warranty' only after the new_values chaos migration. */
  status: 'planned' | 'active' | 'on_hold' | 'completed' | 'cancelled' | 'warranty';
  planned_start_date: Stamp;
  planned_end_date: Stamp;
  actual_start_date: NullableStamp;
  actual_end_date: NullableStamp;
}

export interface AreasTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  name: string;
  weight: Numeric;
  /** 'blocked' only after the new_values chaos migration. */
  status: 'not_started' | 'working' | 'done' | 'blocked';
  planned_start_date: NullableStamp;
  planned_end_date: NullableStamp;
}

export interface AreaEventsTable {
  event_id: SerialInt8;
  area_id: Int8;
  event_type: string;
  payload: Jsonb;
  occurred_at: Stamp;
}

export interface CrewCheckinsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  foreman_id: Int8;
  checkin_date: Stamp;
  workers: Jsonb;
}

export interface TmTicketsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  created_by_id: Int8;
  ticket_number: string;
  description: NullableText;
  status: 'draft' | 'submitted' | 'approved' | 'rejected' | 'billed';
  work_date: Stamp;
  // source_app, added by the add_column chaos migration, is left out: the generator never writes it.
}

export interface TmTicketItemsTable extends Lifecycle {
  id: Int8;
  ticket_id: Int8;
  /** 'subcontract' only after the new_values chaos migration. */
  item_type: 'labor' | 'material' | 'equipment' | 'subcontract';
  description: string;
  quantity: Numeric;
  unit: string;
  unit_cost: Numeric;
}

export interface ChangeOrdersTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  change_order_number: string;
  description: NullableText;
  amount: Numeric;
  status: 'pending' | 'approved' | 'rejected';
  requested_at: Stamp;
  approved_at: NullableStamp;
}

export interface HaulOffsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  haul_date: Stamp;
  material_type: string;
  loads: number;
  estimated_cost: Numeric;
  hauler: NullableText;
}

export interface DailyReportsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  author_id: Int8;
  report_date: Stamp;
  weather: NullableText;
  temperature_f: NullableInt4;
  summary: NullableText;
}

export interface InjuryReportsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  injured_user_id: NullableInt8;
  reported_by_id: Int8;
  occurred_at: Stamp;
  severity: 'first_aid' | 'recordable' | 'lost_time';
  description: NullableText;
}

export interface MaterialRequestsTable extends Lifecycle {
  id: Int8;
  project_id: Int8;
  requested_by_id: Int8;
  material: string;
  quantity: Numeric;
  unit: string;
  estimated_cost: Numeric;
  status: 'requested' | 'ordered' | 'delivered' | 'cancelled';
  needed_by_date: NullableStamp;
}

export interface PfaRecordsTable extends Lifecycle {
  id: Int8;
  organization_id: Int8;
  project_id: NullableInt8;
  category: string;
  source: 'rental' | 'purchase';
  equipment_description: NullableText;
  plan_start_date: NullableStamp;
  plan_end_date: NullableStamp;
  plan_cost: NullableNumeric;
  forecast_start_date: NullableStamp;
  forecast_end_date: NullableStamp;
  forecast_cost: NullableNumeric;
  actual_start_date: NullableStamp;
  actual_end_date: NullableStamp;
  actual_cost: NullableNumeric;
}

export interface PlatformEventsTable {
  id: SerialInt8;
  event_type: string;
  /** 'system' only after the new_values chaos migration. */
  category: 'transaction' | 'content' | 'user_activity' | 'interaction' | 'system';
  user_id: NullableInt8;
  project_id: NullableInt8;
  data: ColumnType<unknown, string | undefined, string>;
  created_at: Stamp;
}

export interface DemoClockTable {
  singleton: ColumnType<boolean, boolean | undefined, boolean>;
  simulated_through: Stamp;
  seed: number;
}

/**
 * The demo source as orchestration/sql/source creates it, before any chaos migration: the tables
 * the generator owns. The chaos migrations rename users.phone and add tm_tickets.source_app; no
 * typed query touches either, and SQL that must see the migrated shape stays plain SQL.
 */
export interface SourceDatabase {
  companies: CompaniesTable;
  users: UsersTable;
  projects: ProjectsTable;
  areas: AreasTable;
  area_events: AreaEventsTable;
  crew_checkins: CrewCheckinsTable;
  tm_tickets: TmTicketsTable;
  tm_ticket_items: TmTicketItemsTable;
  change_orders: ChangeOrdersTable;
  haul_offs: HaulOffsTable;
  daily_reports: DailyReportsTable;
  injury_reports: InjuryReportsTable;
  material_requests: MaterialRequestsTable;
  pfa_records: PfaRecordsTable;
  platform_events: PlatformEventsTable;
  demo_clock: DemoClockTable;
}

/**
 * Typed queries on a connection the caller holds (and may have a transaction open on, with COPY
 * in between): kysely's PostgresDialect over a one-client pool that never ends or releases it.
 */
export function sourceDb(client: pg.ClientBase): Kysely<SourceDatabase> {
  // pg's overloads are wider than kysely's; kysely calls only query(sql, parameters) without a cursor.
  const borrowed: PostgresPoolClient = {
    query: client.query.bind(client) as PostgresPoolClient['query'],
    release: () => undefined,
  };
  return new Kysely<SourceDatabase>({
    dialect: new PostgresDialect({ pool: { connect: async () => borrowed, end: async () => undefined, options: {} } }),
  });
}
