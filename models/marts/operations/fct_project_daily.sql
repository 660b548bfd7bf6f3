with

project_versions as (

    select * from {{ ref('dim_project') }}

),

areas as (

    select * from {{ ref('dim_area') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

daily_activity as (

    select * from {{ ref('int_project_daily_activity') }}

),

warehouse_as_of as (

    select * from {{ ref('int_warehouse_as_of_date') }}

),

-- Schedules and budgets as the project holds them now; each day also names the version valid then.
projects as (

    select *

    from project_versions
    where is_current and not is_unknown_member

),

project_area_weights as (

    select
        project_id,
        sum(weight) as total_area_weight

    from areas
    group by project_id

),

-- A project is active from its actual start (else planned start) to its actual end (else the
-- warehouse's as-of date), never past the as-of date.
project_windows as (

    select
        projects.project_id,
        projects.company_id,
        projects.contract_value,
        projects.budget,
        projects.planned_start_date,
        projects.planned_end_date,
        projects.planned_duration_days,
        coalesce(projects.actual_start_date, projects.planned_start_date) as active_from_date,
        case
            when projects.actual_end_date < warehouse_as_of.as_of_date
                then projects.actual_end_date
            else warehouse_as_of.as_of_date
        end as active_to_date,
        coalesce(project_area_weights.total_area_weight, 0) as total_area_weight

    from projects
    cross join warehouse_as_of
    left join project_area_weights
        on projects.project_id = project_area_weights.project_id

),

-- The calendar bounds the window too (dim_date covers the supported date range).
project_days as (

    select
        project_windows.*,
        calendar.date_day

    from project_windows
    inner join calendar
        on
            project_windows.active_from_date <= calendar.date_day
            and project_windows.active_to_date >= calendar.date_day

),

-- Costs, completed areas and approved change orders dated before the active window still count
-- toward the running totals of its first day.
opening_balances as (

    select
        project_windows.project_id,
        sum(daily_activity.labor_cost + daily_activity.haul_off_cost + daily_activity.material_cost)
            as opening_cost,
        sum(daily_activity.done_weight_change) as opening_done_weight,
        sum(daily_activity.approved_change_order_amount) as opening_change_order_amount

    from daily_activity
    inner join project_windows
        on
            daily_activity.project_id = project_windows.project_id
            and daily_activity.activity_date < project_windows.active_from_date
    group by project_windows.project_id

),

daily_measures as (

    select
        project_days.project_id,
        project_days.company_id,
        project_days.date_day,
        project_days.contract_value,
        project_days.budget,
        project_days.planned_start_date,
        project_days.planned_end_date,
        project_days.planned_duration_days,
        project_days.total_area_weight,
        coalesce(daily_activity.areas_completed, 0) as areas_completed,
        coalesce(daily_activity.tm_tickets_created, 0) as tm_tickets_created,
        coalesce(daily_activity.crew_count, 0) as crew_count,
        coalesce(daily_activity.labor_hours, 0) as labor_hours,
        coalesce(daily_activity.labor_cost, 0) as labor_cost,
        coalesce(daily_activity.haul_off_cost, 0) as haul_off_cost,
        coalesce(daily_activity.material_cost, 0) as material_cost,
        coalesce(daily_activity.done_weight_change, 0) as done_weight_change,
        coalesce(daily_activity.approved_change_order_amount, 0) as approved_change_order_amount,
        coalesce(opening_balances.opening_cost, 0) as opening_cost,
        coalesce(opening_balances.opening_done_weight, 0) as opening_done_weight,
        coalesce(opening_balances.opening_change_order_amount, 0) as opening_change_order_amount

    from project_days
    left join daily_activity
        on
            project_days.project_id = daily_activity.project_id
            and project_days.date_day = daily_activity.activity_date
    left join opening_balances
        on project_days.project_id = opening_balances.project_id

),

running_totals as (

    select
        daily_measures.*,
        daily_measures.opening_cost + sum(
            daily_measures.labor_cost + daily_measures.haul_off_cost + daily_measures.material_cost
        ) over (
            partition by daily_measures.project_id
            order by daily_measures.date_day
            rows between unbounded preceding and current row
        ) as cumulative_cost,
        daily_measures.opening_done_weight + sum(daily_measures.done_weight_change) over (
            partition by daily_measures.project_id
            order by daily_measures.date_day
            rows between unbounded preceding and current row
        ) as done_weight,
        daily_measures.opening_change_order_amount + sum(daily_measures.approved_change_order_amount) over (
            partition by daily_measures.project_id
            order by daily_measures.date_day
            rows between unbounded preceding and current row
        ) as cumulative_change_order_amount,
        -- Share of the planned schedule elapsed by the end of date_day, clamped to [0, 1].
        case
            when daily_measures.planned_duration_days <= 0 then null
            when daily_measures.date_day < daily_measures.planned_start_date then 0
            when daily_measures.date_day >= daily_measures.planned_end_date then 1
            else
                cast(
                    {{ days_between('daily_measures.planned_start_date', 'daily_measures.date_day') }} + 1
                    as decimal(18, 6)
                )
                / daily_measures.planned_duration_days
        end as planned_elapsed_fraction

    from daily_measures

),

ratios as (

    select
        running_totals.*,
        case
            when running_totals.total_area_weight > 0
                then running_totals.done_weight / running_totals.total_area_weight
        end as progress_fraction,
        case
            when running_totals.budget > 0 and running_totals.planned_elapsed_fraction > 0
                then
                    running_totals.cumulative_cost
                    / (running_totals.budget * running_totals.planned_elapsed_fraction)
        end as burn_rate_ratio

    from running_totals

),

final as (

    select
        {{ generate_surrogate_key(['ratios.project_id', 'ratios.date_day']) }} as project_daily_id,
        ratios.project_id,
        -- the version of the project valid at the end of the day
        coalesce(project_versions.project_version_key, 'unknown') as project_version_key,
        ratios.company_id,
        ratios.date_day,
        ratios.areas_completed,
        ratios.tm_tickets_created,
        ratios.crew_count,
        cast(ratios.labor_hours as decimal(18, 2)) as labor_hours,
        cast(ratios.labor_cost as decimal(18, 2)) as labor_cost,
        cast(ratios.haul_off_cost as decimal(18, 2)) as haul_off_cost,
        cast(ratios.material_cost as decimal(18, 2)) as material_cost,
        cast(ratios.cumulative_cost as decimal(18, 2)) as cumulative_cost,
        cast(
            ratios.contract_value + ratios.cumulative_change_order_amount as decimal(18, 2)
        ) as current_contract_value,
        cast(round(100 * ratios.progress_fraction, 2) as decimal(5, 2)) as progress_pct,
        cast(round(100 * ratios.planned_elapsed_fraction, 2) as decimal(5, 2)) as planned_elapsed_pct,
        cast(round(ratios.burn_rate_ratio, 4) as decimal(18, 4)) as burn_rate,
        coalesce(
            ratios.progress_fraction
            < ratios.planned_elapsed_fraction - {{ var('rebar_behind_schedule_tolerance_pct') }} / 100.0,
            false
        ) as is_behind_schedule,
        ratios.cumulative_cost > ratios.budget as is_over_budget

    from ratios
    left join project_versions
        on
            ratios.project_id = project_versions.project_id
            and {{ version_valid_on('project_versions', 'ratios.date_day') }}

)

select * from final
