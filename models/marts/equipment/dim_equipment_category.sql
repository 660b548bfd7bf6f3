with

equipment_categories as (

    select * from {{ ref('equipment_categories') }}

),

known_categories as (

    select
        equipment_category,
        category_name,
        is_heavy_equipment,
        typical_monthly_rate,
        false as is_unknown_member

    from equipment_categories
    where equipment_category <> 'unknown'

),

-- PFA records whose category is missing from the seed point here.
unknown_member as (

    select
        'unknown' as equipment_category,
        'Unknown' as category_name,
        cast(null as boolean) as is_heavy_equipment,
        cast(null as decimal(12, 2)) as typical_monthly_rate,
        true as is_unknown_member

),

final as (

    select * from known_categories

    union all

    select * from unknown_member

)

select * from final
