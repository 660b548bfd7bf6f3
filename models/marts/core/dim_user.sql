with

user_snapshots as (

    select * from {{ ref('snap_rebar_source__users') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

-- Users whose current version is live (not soft- or hard-deleted) and whose company is in the marts.
live_user_ids as (

    select user_snapshots.user_id

    from user_snapshots
    inner join companies
        on user_snapshots.company_id = companies.company_id
    where
        user_snapshots.dbt_valid_to is null
        and not user_snapshots.is_deleted

),

versions as (

    select
        user_snapshots.*,
        {{ scd2_valid_from('user_snapshots.user_id') }} as valid_from,
        {{ scd2_valid_to() }} as valid_to

    from user_snapshots
    inner join live_user_ids
        on user_snapshots.user_id = live_user_ids.user_id

),

known_users as (

    select
        {{ generate_surrogate_key(['user_id', 'valid_from']) }} as user_version_key,
        user_id,
        company_id,
        {{ personal_data('full_name', 'full_name') }} as full_name,
        {{ personal_data('email', 'email') }} as email,
        {{ personal_data('phone', 'phone') }} as phone,
        user_role,
        trade,
        is_active,
        valid_from,
        valid_to,
        dbt_valid_to is null as is_current,
        false as is_unknown_member,
        created_at,
        updated_at

    from versions

),

-- Facts whose user is missing from the marts (late-arriving, deleted or never set) point here.
unknown_member as (

    select
        'unknown' as user_version_key,
        cast(-1 as bigint) as user_id,
        cast(-1 as bigint) as company_id,
        'Unknown user' as full_name,
        cast(null as varchar) as email,
        cast(null as varchar) as phone,
        'unknown' as user_role,
        cast(null as varchar) as trade,
        false as is_active,
        cast('1900-01-01 00:00:00' as timestamp) as valid_from,
        {{ scd2_open_end() }} as valid_to,
        true as is_current,
        true as is_unknown_member,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at

),

final as (

    select * from known_users

    union all

    select * from unknown_member

)

select * from final
