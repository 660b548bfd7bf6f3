with

crew_checkins as (

    select * from {{ ref('stg_rebar_source__crew_checkins') }}

),

labor_rates as (

    select * from {{ ref('labor_rates') }}

),

live_crew_checkins as (

    select
        crew_checkin_id,
        project_id,
        foreman_user_id,
        checkin_date,
        workers

    from crew_checkins
    where not is_deleted

),

checkin_workers as (

    select
        live_crew_checkins.crew_checkin_id,
        live_crew_checkins.project_id,
        live_crew_checkins.foreman_user_id,
        live_crew_checkins.checkin_date,
        {{ json_array_element_position('worker') }} as worker_position,
        {{ json_extract_text(json_array_element('worker'), 'user_id') }} as worker_user_id_text,
        {{ json_extract_text(json_array_element('worker'), 'role') }} as worker_role_text,
        {{ json_extract_text(json_array_element('worker'), 'hours') }} as hours_worked_text

    from live_crew_checkins
    {{ json_array_cross_join('live_crew_checkins.workers', 'worker') }}

),

typed_workers as (

    select
        crew_checkin_id,
        project_id,
        foreman_user_id,
        checkin_date,
        worker_position,
        {{ try_cast_text('worker_user_id_text', 'bigint') }} as worker_user_id,
        lower(trim(worker_role_text)) as worker_role,
        {{ try_cast_text('hours_worked_text', 'decimal(6, 2)') }} as hours_worked

    from checkin_workers

),

priced_workers as (

    select
        typed_workers.crew_checkin_id,
        typed_workers.project_id,
        typed_workers.foreman_user_id,
        typed_workers.checkin_date,
        typed_workers.worker_position,
        typed_workers.worker_user_id,
        typed_workers.worker_role,
        typed_workers.hours_worked,
        labor_rates.hourly_rate,
        cast(typed_workers.hours_worked * labor_rates.hourly_rate as decimal(18, 2)) as labor_cost

    from typed_workers
    left join labor_rates
        on typed_workers.worker_role = labor_rates.role

),

final as (

    select
        {{ generate_surrogate_key(['crew_checkin_id', 'worker_position']) }} as crew_checkin_worker_id,
        crew_checkin_id,
        project_id,
        foreman_user_id,
        worker_user_id,
        checkin_date,
        worker_position,
        worker_role,
        hours_worked,
        hourly_rate,
        labor_cost

    from priced_workers

)

select * from final
