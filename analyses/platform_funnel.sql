-- How does the platform funnel convert (project.created -> proposal.submitted -> milestone.approved)?
-- One row per month of project creation (UTC month of the project's first project.created event),
-- with the projects that reached each step and the conversion rates; the overall_* columns repeat the
-- same figures over all creation months on every row. A project reaches a step only through the steps
-- before it: its first proposal.submitted on or after its creation day, then a milestone.approved on or
-- after that proposal's day (days, UTC; fct_platform_events_daily). Projects whose milestone was
-- approved without a proposal before it are not converted; milestone_without_proposal_count shows them.
-- Only projects in dim_project (not -1) whose project.created event is still retained are counted.

with

platform_events_daily as (

    select * from {{ ref('fct_platform_events_daily') }}

),

funnel_event_days as (

    select
        project_id,
        event_type,
        event_date

    from platform_events_daily
    where
        event_type in ('project.created', 'proposal.submitted', 'milestone.approved')
        and project_id is not null
        and project_id <> -1

),

created_projects as (

    select
        project_id,
        min(event_date) as created_date

    from funnel_event_days
    where event_type = 'project.created'
    group by project_id

),

submitted_proposals as (

    select
        created_projects.project_id,
        min(funnel_event_days.event_date) as proposal_submitted_date

    from created_projects
    inner join funnel_event_days
        on
            created_projects.project_id = funnel_event_days.project_id
            and funnel_event_days.event_type = 'proposal.submitted'
            and created_projects.created_date <= funnel_event_days.event_date
    group by created_projects.project_id

),

approved_milestones as (

    select
        submitted_proposals.project_id,
        min(funnel_event_days.event_date) as milestone_approved_date

    from submitted_proposals
    inner join funnel_event_days
        on
            submitted_proposals.project_id = funnel_event_days.project_id
            and funnel_event_days.event_type = 'milestone.approved'
            and submitted_proposals.proposal_submitted_date <= funnel_event_days.event_date
    group by submitted_proposals.project_id

),

-- Milestones approved after creation, whether or not a proposal came first.
any_milestones as (

    select distinct created_projects.project_id

    from created_projects
    inner join funnel_event_days
        on
            created_projects.project_id = funnel_event_days.project_id
            and funnel_event_days.event_type = 'milestone.approved'
            and created_projects.created_date <= funnel_event_days.event_date

),

project_funnel as (

    select
        created_projects.project_id,
        {{ month_start('created_projects.created_date') }} as creation_month,
        submitted_proposals.project_id is not null as has_proposal_submitted,
        approved_milestones.project_id is not null as has_milestone_approved,
        any_milestones.project_id is not null and approved_milestones.project_id is null
            as has_milestone_without_proposal

    from created_projects
    left join submitted_proposals
        on created_projects.project_id = submitted_proposals.project_id
    left join approved_milestones
        on created_projects.project_id = approved_milestones.project_id
    left join any_milestones
        on created_projects.project_id = any_milestones.project_id

),

monthly_counts as (

    select
        creation_month,
        count(*) as projects_created,
        sum(case when has_proposal_submitted then 1 else 0 end) as projects_proposal_submitted,
        sum(case when has_milestone_approved then 1 else 0 end) as projects_milestone_approved,
        sum(case when has_milestone_without_proposal then 1 else 0 end) as milestone_without_proposal_count

    from project_funnel
    group by creation_month

),

overall_counts as (

    select
        monthly_counts.*,
        sum(monthly_counts.projects_created) over () as overall_projects_created,
        sum(monthly_counts.projects_proposal_submitted) over () as overall_projects_proposal_submitted,
        sum(monthly_counts.projects_milestone_approved) over () as overall_projects_milestone_approved

    from monthly_counts

),

final as (

    select
        creation_month,
        projects_created,
        projects_proposal_submitted,
        projects_milestone_approved,
        milestone_without_proposal_count,
        round(1.0 * projects_proposal_submitted / nullif(projects_created, 0), 4)
            as created_to_proposal_rate,
        round(1.0 * projects_milestone_approved / nullif(projects_proposal_submitted, 0), 4)
            as proposal_to_milestone_rate,
        round(1.0 * projects_milestone_approved / nullif(projects_created, 0), 4)
            as created_to_milestone_rate,
        overall_projects_created,
        overall_projects_proposal_submitted,
        overall_projects_milestone_approved,
        round(1.0 * overall_projects_proposal_submitted / nullif(overall_projects_created, 0), 4)
            as overall_created_to_proposal_rate,
        round(1.0 * overall_projects_milestone_approved / nullif(overall_projects_proposal_submitted, 0), 4)
            as overall_proposal_to_milestone_rate,
        round(1.0 * overall_projects_milestone_approved / nullif(overall_projects_created, 0), 4)
            as overall_created_to_milestone_rate

    from overall_counts

)

select * from final
order by creation_month
