with

crew_checkin_workers as (

    select * from {{ ref('int_crew_checkin_workers') }}

),

area_status_changes as (

    select * from {{ ref('int_area_status_changes') }}

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

haul_offs as (

    select * from {{ ref('stg_rebar_source__haul_offs') }}

),

change_orders as (

    select * from {{ ref('stg_rebar_source__change_orders') }}

),

-- Step 1: one daily aggregate per kind of activity, each keyed by (project_id, activity_date).

labor_daily as (

    select
        project_id,
        checkin_date as activity_date,
        count(distinct worker_user_id) as crew_count,
        sum(hours_worked) as labor_hours,
        sum(labor_cost) as labor_cost

    from crew_checkin_workers
    group by project_id, checkin_date

),

live_tm_tickets as (

    select
        tm_ticket_id,
        project_id,
        work_date,
        cast(created_at as date) as created_date

    from tm_tickets
    where not is_deleted

),

tm_tickets_created_daily as (

    select
        project_id,
        created_date as activity_date,
        count(*) as tm_tickets_created

    from live_tm_tickets
    group by project_id, created_date

),

material_cost_daily as (

    select
        live_tm_tickets.project_id,
        live_tm_tickets.work_date as activity_date,
        sum(tm_ticket_items.quantity * tm_ticket_items.unit_cost) as material_cost

    from tm_ticket_items
    inner join live_tm_tickets
        on tm_ticket_items.tm_ticket_id = live_tm_tickets.tm_ticket_id
    where
        not tm_ticket_items.is_deleted
        and tm_ticket_items.item_type = 'material'
    group by live_tm_tickets.project_id, live_tm_tickets.work_date

),

haul_off_cost_daily as (

    select
        project_id,
        haul_date as activity_date,
        sum(estimated_cost) as haul_off_cost

    from haul_offs
    where not is_deleted
    group by project_id, haul_date

),

approved_change_orders_daily as (

    select
        project_id,
        -- approved_at should always be set on approved change orders; fall back to the last update.
        cast(coalesce(approved_at, updated_at) as date) as activity_date,
        sum(change_order_amount) as approved_change_order_amount

    from change_orders
    where
        not is_deleted
        and change_order_status = 'approved'
    group by project_id, cast(coalesce(approved_at, updated_at) as date)

),

area_done_transitions as (

    select
        areas.project_id,
        area_status_changes.area_id,
        area_status_changes.changed_date,
        areas.weight
        * (
            case when area_status_changes.is_done_after then 1 else 0 end
            - case when area_status_changes.was_done_before then 1 else 0 end
        ) as done_weight_change,
        area_status_changes.is_done_after and not area_status_changes.was_done_before as is_completion

    from area_status_changes
    inner join areas
        on area_status_changes.area_id = areas.area_id
    where not areas.is_deleted

),

area_progress_daily as (

    select
        project_id,
        changed_date as activity_date,
        count(distinct case when is_completion then area_id end) as areas_completed,
        sum(done_weight_change) as done_weight_change

    from area_done_transitions
    group by project_id, changed_date

),

-- Step 2: every (project_id, activity_date) with any activity, then each aggregate joined on.

activity_keys as (

    select
        project_id,
        activity_date
    from labor_daily

    union

    select
        project_id,
        activity_date
    from tm_tickets_created_daily

    union

    select
        project_id,
        activity_date
    from material_cost_daily

    union

    select
        project_id,
        activity_date
    from haul_off_cost_daily

    union

    select
        project_id,
        activity_date
    from approved_change_orders_daily

    union

    select
        project_id,
        activity_date
    from area_progress_daily

),

final as (

    select
        {{ generate_surrogate_key(['activity_keys.project_id', 'activity_keys.activity_date']) }}
            as project_activity_day_id,
        activity_keys.project_id,
        activity_keys.activity_date,
        coalesce(area_progress_daily.areas_completed, 0) as areas_completed,
        cast(coalesce(area_progress_daily.done_weight_change, 0) as decimal(18, 2)) as done_weight_change,
        coalesce(tm_tickets_created_daily.tm_tickets_created, 0) as tm_tickets_created,
        coalesce(labor_daily.crew_count, 0) as crew_count,
        cast(coalesce(labor_daily.labor_hours, 0) as decimal(18, 2)) as labor_hours,
        cast(coalesce(labor_daily.labor_cost, 0) as decimal(18, 2)) as labor_cost,
        cast(coalesce(haul_off_cost_daily.haul_off_cost, 0) as decimal(18, 2)) as haul_off_cost,
        cast(round(coalesce(material_cost_daily.material_cost, 0), 2) as decimal(18, 2)) as material_cost,
        cast(
            coalesce(approved_change_orders_daily.approved_change_order_amount, 0) as decimal(18, 2)
        ) as approved_change_order_amount

    from activity_keys
    left join labor_daily
        on
            activity_keys.project_id = labor_daily.project_id
            and activity_keys.activity_date = labor_daily.activity_date
    left join tm_tickets_created_daily
        on
            activity_keys.project_id = tm_tickets_created_daily.project_id
            and activity_keys.activity_date = tm_tickets_created_daily.activity_date
    left join material_cost_daily
        on
            activity_keys.project_id = material_cost_daily.project_id
            and activity_keys.activity_date = material_cost_daily.activity_date
    left join haul_off_cost_daily
        on
            activity_keys.project_id = haul_off_cost_daily.project_id
            and activity_keys.activity_date = haul_off_cost_daily.activity_date
    left join approved_change_orders_daily
        on
            activity_keys.project_id = approved_change_orders_daily.project_id
            and activity_keys.activity_date = approved_change_orders_daily.activity_date
    left join area_progress_daily
        on
            activity_keys.project_id = area_progress_daily.project_id
            and activity_keys.activity_date = area_progress_daily.activity_date

)

select * from final
