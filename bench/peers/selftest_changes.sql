-- The change set between the full and the incremental run: 1% of the mutable rows get a new
-- updated_at (and a changed value), and :n_new_events new events are appended.
update crew_checkins set updated_at = clock_timestamp(), hours = coalesce(hours, 0) + 1, approved = not coalesce(approved, false) where id % 100 = 0;
update tm_ticket_items set updated_at = clock_timestamp(), quantity = quantity + 1 where id % 100 = 0;
insert into platform_events (event_type, category, user_id, project_id, data, created_at)
select 'login', 'user_activity', 1 + g % 2000, 1 + g % 500, jsonb_build_object('seq', -g), now()
from generate_series(1, :n_new_events) g;
