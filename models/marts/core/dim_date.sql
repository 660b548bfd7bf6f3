with

date_spine as (

    {{ calendar_date_spine(var('rebar_calendar_start_date'), var('rebar_calendar_end_date')) }}

),

us_holidays as (

    select * from {{ ref('us_holidays') }}

),

calendar_days as (

    select
        date_day,
        cast(extract(year from date_day) as integer) as year,
        cast(extract(quarter from date_day) as integer) as quarter,
        cast(extract(month from date_day) as integer) as month,
        {{ month_name('date_day') }} as month_name,
        {{ iso_week_of_year('date_day') }} as week_of_year,
        {{ iso_day_of_week('date_day') }} as day_of_week,
        {{ day_name('date_day') }} as day_name

    from date_spine

),

final as (

    -- the column order follows the dim_date contract, so holiday_name comes last
    select  -- noqa: ST06
        calendar_days.date_day,
        calendar_days.year,
        calendar_days.quarter,
        calendar_days.month,
        calendar_days.month_name,
        calendar_days.week_of_year,
        calendar_days.day_of_week,
        calendar_days.day_name,
        calendar_days.day_of_week in (6, 7) as is_weekend,
        us_holidays.holiday_date is not null as is_holiday,
        us_holidays.holiday_name

    from calendar_days
    left join us_holidays
        on calendar_days.date_day = us_holidays.holiday_date

)

select * from final
