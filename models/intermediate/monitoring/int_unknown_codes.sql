-- Values the field app wrote that a seed does not list yet. Each one already flows through the marts
-- (to an unknown member, an 'unmapped' group or a null cost with a flag); this model counts them so
-- fct_alerts can say which value, where, and which seed to add it to.
with

crew_checkin_workers as (

    select * from {{ ref('int_crew_checkin_workers') }}

),

projects as (

    select * from {{ ref('stg_rebar_source__projects') }}

),

areas as (

    select * from {{ ref('stg_rebar_source__areas') }}

),

tm_tickets as (

    select * from {{ ref('stg_rebar_source__tm_tickets') }}

),

tm_ticket_items as (

    select * from {{ ref('stg_rebar_source__tm_ticket_items') }}

),

change_orders as (

    select * from {{ ref('stg_rebar_source__change_orders') }}

),

material_requests as (

    select * from {{ ref('stg_rebar_source__material_requests') }}

),

platform_events as (

    select * from {{ ref('stg_rebar_source__platform_events') }}

),

pfa_records as (

    select * from {{ ref('stg_rebar_source__pfa_records') }}

),

labor_rates as (

    select * from {{ ref('labor_rates') }}

),

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

cost_codes as (

    select * from {{ ref('cost_codes') }}

),

equipment_categories as (

    select * from {{ ref('equipment_categories') }}

),

retention_policy as (

    select * from {{ ref('event_retention_policy') }}

),

-- Every source status column, as (entity, value), so one join checks them all against the seed.
source_statuses as (

    select
        'project' as status_entity,
        'projects.status' as code_column,
        project_status as code_value
    from projects
    where not is_deleted

    union all

    select
        'area' as status_entity,
        'areas.status' as code_column,
        area_status as code_value
    from areas
    where not is_deleted

    union all

    select
        'tm_ticket' as status_entity,
        'tm_tickets.status' as code_column,
        ticket_status as code_value
    from tm_tickets
    where not is_deleted

    union all

    select
        'change_order' as status_entity,
        'change_orders.status' as code_column,
        change_order_status as code_value
    from change_orders
    where not is_deleted

    union all

    select
        'material_request' as status_entity,
        'material_requests.status' as code_column,
        request_status as code_value
    from material_requests
    where not is_deleted

),

unmapped_statuses as (

    select
        source_statuses.code_column,
        source_statuses.code_value,
        'seeds/status_mappings.csv' as seed_file,
        'status_group unmapped' as treatment

    from source_statuses
    left join status_mappings
        on
            source_statuses.status_entity = status_mappings.status_entity
            and source_statuses.code_value = status_mappings.source_status
    where status_mappings.source_status is null

),

unpriced_roles as (

    select
        'crew_checkins.workers[].role' as code_column,
        coalesce(crew_checkin_workers.worker_role, '(null)') as code_value,
        'seeds/labor_rates.csv' as seed_file,
        'labor_cost null, has_labor_rate false' as treatment

    from crew_checkin_workers
    left join labor_rates
        on crew_checkin_workers.worker_role = labor_rates.role
    where labor_rates.role is null

),

uncoded_items as (

    select
        'tm_ticket_items.item_type' as code_column,
        tm_ticket_items.item_type as code_value,
        'seeds/cost_codes.csv' as seed_file,
        'cost_code unmapped' as treatment

    from tm_ticket_items
    left join cost_codes
        on
            cost_codes.cost_source = 'tm_ticket_item'
            and tm_ticket_items.item_type = cost_codes.source_item_type
    where
        not tm_ticket_items.is_deleted
        and cost_codes.cost_code is null

),

unknown_equipment_categories as (

    select
        'pfa_records.category' as code_column,
        pfa_records.equipment_category as code_value,
        'seeds/equipment_categories.csv' as seed_file,
        'equipment_category unknown' as treatment

    from pfa_records
    left join equipment_categories
        on pfa_records.equipment_category = equipment_categories.equipment_category
    where
        not pfa_records.is_deleted
        and equipment_categories.equipment_category is null

),

unlisted_event_categories as (

    select
        'platform_events.category' as code_column,
        platform_events.event_category as code_value,
        'seeds/event_retention_policy.csv' as seed_file,
        'kept forever: no retention period' as treatment

    from platform_events
    left join retention_policy
        on platform_events.event_category = retention_policy.event_category
    where retention_policy.event_category is null

),

unknown_values as (

    select * from unmapped_statuses
    union all
    select * from unpriced_roles
    union all
    select * from uncoded_items
    union all
    select * from unknown_equipment_categories
    union all
    select * from unlisted_event_categories

),

final as (

    select
        code_column,
        code_value,
        seed_file,
        treatment,
        count(*) as row_count

    from unknown_values
    group by
        code_column,
        code_value,
        seed_file,
        treatment

)

select * from final
