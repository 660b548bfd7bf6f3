/**
 * Columns the generator writes, per source table, in foreign-key order: flushing tables in this order
 * keeps every reference valid. Sequence-keyed logs (area_events, platform_events) omit their id so
 * the database numbers them in insertion order.
 */
export const SOURCE_TABLE_COLUMNS = {
  companies: ['id', 'name', 'industry', 'region', 'created_at', 'updated_at', 'deleted_at'],
  users: ['id', 'company_id', 'full_name', 'email', 'phone', 'role', 'trade', 'is_active', 'created_at', 'updated_at', 'deleted_at'],
  projects: ['id', 'company_id', 'foreman_id', 'name', 'contract_value', 'budget', 'work_type', 'job_type', 'status',
    'planned_start_date', 'planned_end_date', 'actual_start_date', 'actual_end_date', 'created_at', 'updated_at', 'deleted_at'],
  areas: ['id', 'project_id', 'name', 'weight', 'status', 'planned_start_date', 'planned_end_date', 'created_at', 'updated_at', 'deleted_at'],
  area_events: ['area_id', 'event_type', 'payload', 'occurred_at'],
  crew_checkins: ['id', 'project_id', 'foreman_id', 'checkin_date', 'workers', 'created_at', 'updated_at', 'deleted_at'],
  tm_tickets: ['id', 'project_id', 'created_by_id', 'ticket_number', 'description', 'status', 'work_date', 'created_at', 'updated_at', 'deleted_at'],
  tm_ticket_items: ['id', 'ticket_id', 'item_type', 'description', 'quantity', 'unit', 'unit_cost', 'created_at', 'updated_at', 'deleted_at'],
  change_orders: ['id', 'project_id', 'change_order_number', 'description', 'amount', 'status', 'requested_at', 'approved_at',
    'created_at', 'updated_at', 'deleted_at'],
  haul_offs: ['id', 'project_id', 'haul_date', 'material_type', 'loads', 'estimated_cost', 'hauler', 'created_at', 'updated_at', 'deleted_at'],
  daily_reports: ['id', 'project_id', 'author_id', 'report_date', 'weather', 'temperature_f', 'summary', 'created_at', 'updated_at', 'deleted_at'],
  injury_reports: ['id', 'project_id', 'injured_user_id', 'reported_by_id', 'occurred_at', 'severity', 'description',
    'created_at', 'updated_at', 'deleted_at'],
  material_requests: ['id', 'project_id', 'requested_by_id', 'material', 'quantity', 'unit', 'estimated_cost', 'status',
    'needed_by_date', 'created_at', 'updated_at', 'deleted_at'],
  pfa_records: ['id', 'organization_id', 'project_id', 'category', 'source', 'equipment_description', 'plan_start_date', 'plan_end_date',
    'plan_cost', 'forecast_start_date', 'forecast_end_date', 'forecast_cost', 'actual_start_date', 'actual_end_date', 'actual_cost',
    'created_at', 'updated_at', 'deleted_at'],
  platform_events: ['event_type', 'category', 'user_id', 'project_id', 'data', 'created_at'],
} as const;

export type SourceTable = keyof typeof SOURCE_TABLE_COLUMNS;
export type SourceRow<T extends SourceTable> = Partial<Record<(typeof SOURCE_TABLE_COLUMNS)[T][number], CsvValue>>;
export type CsvValue = string | number | boolean | null | undefined | object;

export const SOURCE_TABLES = Object.keys(SOURCE_TABLE_COLUMNS) as SourceTable[];

/** Tables whose ids the generator assigns (the others use their sequence). */
export const ID_TABLES = SOURCE_TABLES.filter((table) => (SOURCE_TABLE_COLUMNS[table] as readonly string[]).includes('id'));

export function emptyCounts(): Record<SourceTable, number> {
  return Object.fromEntries(SOURCE_TABLES.map((table) => [table, 0])) as Record<SourceTable, number>;
}
