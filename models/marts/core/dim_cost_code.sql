with

cost_codes as (

    select * from {{ ref('cost_codes') }}

),

known_cost_codes as (

    select
        cost_code,
        cost_code_name,
        cost_type,
        cost_source,
        source_item_type,
        false as is_unknown_member

    from cost_codes

),

-- Cost rows whose kind has no code in the seed (e.g. a new T&M item type) point here.
unknown_member as (

    select
        'unmapped' as cost_code,
        'No cost code (add it to seeds/cost_codes.csv)' as cost_code_name,
        'unknown' as cost_type,
        'unknown' as cost_source,
        cast(null as varchar) as source_item_type,
        true as is_unknown_member

),

final as (

    select * from known_cost_codes

    union all

    select * from unknown_member

)

select * from final
