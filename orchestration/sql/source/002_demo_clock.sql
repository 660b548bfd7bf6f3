-- The demo generator's simulated clock: the last day it has written activity for.
-- `rebar simulate-day` moves it forward one day at a time. Not extracted (not listed in rebar.yml).
create table if not exists demo_clock (
    singleton boolean primary key default true check (singleton),
    simulated_through date not null,
    seed integer not null
);
