with

projects as (

    select * from {{ ref('dim_project') }}

),

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

crew_checkins as (

    select * from {{ ref('stg_rebar_source__crew_checkins') }}

),

area_status_periods as (

    select * from {{ ref('fct_area_status_periods') }}

),

areas as (

    select * from {{ ref('dim_area') }}

),

pfa_records as (

    select * from {{ ref('stg_rebar_source__pfa_records') }}

),

warehouse_as_of as (

    select * from {{ ref('int_warehouse_as_of_date') }}

),

unknown_codes as (

    select * from {{ ref('int_unknown_codes') }}

),

active_projects as (

    select
        project_id,
        company_id,
        project_name,
        actual_start_date

    from projects
    where
        is_current
        and project_status = 'active'

),

burn_rate_alerts as (

    select
        'burn_rate_over_budget' as alert_type,
        active_projects.project_id,
        active_projects.company_id,
        cast(null as bigint) as area_id,
        cast(null as bigint) as pfa_record_id,
        cast(null as varchar) as code_column,
        cast(null as varchar) as code_value,
        project_daily.burn_rate as measured_value,
        cast({{ var('rebar_alert_burn_rate_ratio') }} as decimal(18, 4)) as threshold_value,
        active_projects.project_name
        || ': burn rate ' || cast(round(100 * project_daily.burn_rate, 0) as varchar)
        || '% of budgeted pace (alert above '
        || cast(round(100 * {{ var('rebar_alert_burn_rate_ratio') }}, 0) as varchar) || '%)'
            as alert_message

    from active_projects
    cross join warehouse_as_of
    inner join project_daily
        on
            active_projects.project_id = project_daily.project_id
            and warehouse_as_of.as_of_date = project_daily.date_day
    where project_daily.burn_rate > {{ var('rebar_alert_burn_rate_ratio') }}

),

last_checkins as (

    select
        project_id,
        max(checkin_date) as last_checkin_date

    from crew_checkins
    where not is_deleted
    group by project_id

),

checkin_gaps as (

    select
        active_projects.project_id,
        active_projects.company_id,
        active_projects.project_name,
        last_checkins.last_checkin_date,
        {{ days_between(
            'coalesce(last_checkins.last_checkin_date, active_projects.actual_start_date)',
            'warehouse_as_of.as_of_date'
        ) }} as days_without_checkin

    from active_projects
    cross join warehouse_as_of
    left join last_checkins
        on active_projects.project_id = last_checkins.project_id
    where active_projects.actual_start_date <= warehouse_as_of.as_of_date

),

checkin_alerts as (

    select
        'no_recent_checkin' as alert_type,
        project_id,
        company_id,
        cast(null as bigint) as area_id,
        cast(null as bigint) as pfa_record_id,
        cast(null as varchar) as code_column,
        cast(null as varchar) as code_value,
        cast(days_without_checkin as decimal(18, 4)) as measured_value,
        cast({{ var('rebar_alert_checkin_gap_days') }} as decimal(18, 4)) as threshold_value,
        project_name
        || ': no crew check-in for ' || cast(days_without_checkin as varchar)
        || ' days (last: ' || coalesce(cast(last_checkin_date as varchar), 'never') || ')'
            as alert_message

    from checkin_gaps
    where days_without_checkin >= {{ var('rebar_alert_checkin_gap_days') }}

),

working_areas as (

    select
        area_status_periods.area_id,
        area_status_periods.project_id,
        areas.area_name,
        {{ days_between('cast(area_status_periods.valid_from as date)', 'warehouse_as_of.as_of_date') }}
            as days_working

    from area_status_periods
    cross join warehouse_as_of
    inner join areas
        on area_status_periods.area_id = areas.area_id
    where
        area_status_periods.is_current
        and area_status_periods.area_status = 'working'

),

stuck_area_alerts as (

    select
        'area_stuck_working' as alert_type,
        working_areas.project_id,
        active_projects.company_id,
        working_areas.area_id,
        cast(null as bigint) as pfa_record_id,
        cast(null as varchar) as code_column,
        cast(null as varchar) as code_value,
        cast(working_areas.days_working as decimal(18, 4)) as measured_value,
        cast({{ var('rebar_alert_area_working_days') }} as decimal(18, 4)) as threshold_value,
        active_projects.project_name || ' / ' || working_areas.area_name
        || ': working for ' || cast(working_areas.days_working as varchar) || ' days'
            as alert_message

    from working_areas
    inner join active_projects
        on working_areas.project_id = active_projects.project_id
    where working_areas.days_working > {{ var('rebar_alert_area_working_days') }}

),

pfa_alerts as (

    select
        'pfa_forecast_over_plan' as alert_type,
        active_projects.project_id,
        active_projects.company_id,
        cast(null as bigint) as area_id,
        pfa_records.pfa_record_id,
        cast(null as varchar) as code_column,
        cast(null as varchar) as code_value,
        cast(round(pfa_records.forecast_cost / pfa_records.plan_cost, 4) as decimal(18, 4)) as measured_value,
        cast({{ var('rebar_alert_pfa_forecast_ratio') }} as decimal(18, 4)) as threshold_value,
        active_projects.project_name || ' / ' || pfa_records.equipment_description
        || ': forecast ' || cast(round(pfa_records.forecast_cost, 0) as varchar)
        || ' vs plan ' || cast(round(pfa_records.plan_cost, 0) as varchar)
            as alert_message

    from pfa_records
    inner join active_projects
        on pfa_records.project_id = active_projects.project_id
    where
        not pfa_records.is_deleted
        and pfa_records.actual_cost is null
        and pfa_records.plan_cost > 0
        and pfa_records.forecast_cost > pfa_records.plan_cost * {{ var('rebar_alert_pfa_forecast_ratio') }}

),

-- A value the app wrote that a seed does not list: the night still publishes (the rows flow to an
-- unknown member, an unmapped group or a null cost), and this tells someone which seed to extend.
unknown_code_alerts as (

    select
        'unknown_code' as alert_type,
        cast(null as bigint) as project_id,
        cast(null as bigint) as company_id,
        cast(null as bigint) as area_id,
        cast(null as bigint) as pfa_record_id,
        code_column,
        code_value,
        cast(row_count as decimal(18, 4)) as measured_value,
        cast(0 as decimal(18, 4)) as threshold_value,
        code_column || ' = ''' || code_value || ''': ' || cast(row_count as varchar)
        || ' row' || case when row_count = 1 then '' else 's' end
        || ' with a value not in ' || seed_file || ' (' || treatment || '); add it there'
            as alert_message

    from unknown_codes

),

all_alerts as (

    select * from burn_rate_alerts
    union all
    select * from checkin_alerts
    union all
    select * from stuck_area_alerts
    union all
    select * from pfa_alerts
    union all
    select * from unknown_code_alerts

),

final as (

    select
        {{ generate_surrogate_key([
            'all_alerts.alert_type', 'all_alerts.project_id', 'all_alerts.area_id', 'all_alerts.pfa_record_id',
            'all_alerts.code_column', 'all_alerts.code_value',
        ]) }} as alert_id,
        all_alerts.alert_type,
        all_alerts.project_id,
        all_alerts.company_id,
        all_alerts.area_id,
        all_alerts.pfa_record_id,
        all_alerts.code_column,
        all_alerts.code_value,
        warehouse_as_of.as_of_date as detected_date,
        all_alerts.measured_value,
        all_alerts.threshold_value,
        all_alerts.alert_message

    from all_alerts
    cross join warehouse_as_of

)

select * from final
