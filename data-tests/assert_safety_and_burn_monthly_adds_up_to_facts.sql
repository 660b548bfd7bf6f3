-- fct_safety_and_burn_monthly holds every hour, injury and project-day cost of the facts it sums,
-- once: its totals over all companies and months equal theirs. Returns one row per total that differs.

with

safety_and_burn_monthly as (

    select * from {{ ref('fct_safety_and_burn_monthly') }}

),

crew_checkins as (

    select * from {{ ref('fct_crew_checkins') }}

),

injuries as (

    select * from {{ ref('fct_injuries') }}

),

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

mart_totals as (

    select
        sum(hours_worked) as hours_worked,
        sum(injury_count) as injury_count,
        sum(recordable_injury_count) as recordable_injury_count,
        sum(month_cost) as month_cost

    from safety_and_burn_monthly

),

hours_totals as (

    select sum(hours_worked) as hours_worked

    from crew_checkins

),

injury_totals as (

    select
        count(*) as injury_count,
        sum(case when is_recordable then 1 else 0 end) as recordable_injury_count

    from injuries

),

cost_totals as (

    select sum(labor_cost + haul_off_cost + material_cost) as month_cost

    from project_daily

),

compared as (

    select
        'hours_worked' as total_name,
        mart_totals.hours_worked as mart_total,
        hours_totals.hours_worked as fact_total
    from mart_totals cross join hours_totals
    union all
    select
        'injury_count' as total_name,
        mart_totals.injury_count as mart_total,
        injury_totals.injury_count as fact_total
    from mart_totals cross join injury_totals
    union all
    select
        'recordable_injury_count' as total_name,
        mart_totals.recordable_injury_count as mart_total,
        injury_totals.recordable_injury_count as fact_total
    from mart_totals cross join injury_totals
    union all
    select
        'month_cost' as total_name,
        mart_totals.month_cost as mart_total,
        cost_totals.month_cost as fact_total
    from mart_totals cross join cost_totals

),

final as (

    select
        total_name,
        mart_total,
        fact_total

    from compared
    -- To the cent: a warehouse that sums money in floating point (fakesnow's SUM of a NUMBER) adds
    -- the same amounts in another order and differs in the last bits.
    where round(coalesce(mart_total, 0), 2) <> round(coalesce(fact_total, 0), 2)

)

select * from final
