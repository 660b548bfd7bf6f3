import assert from 'node:assert/strict';
import { beforeAll, test } from 'vitest';
import { runAnalysis } from '../../orchestration/src/analyses/runAnalysis.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { type DemoState, newDemoState, querySource, rebar } from '../support/demoState.js';
import { compareIncrementalWithFullRefresh } from '../support/incrementalVsFullRefresh.js';

// Three nights on a demo source: the generated history, then two simulated days with a late-arriving
// and a deleted crew check-in of recent days. The snapshots build SCD2
// history; the time-travel analysis must return what the source said on each of those days, and
// the incremental facts must equal a full refresh.
const DAYS = ['2026-06-30', '2026-07-01', '2026-07-02'];
type Statuses = Map<string, string>;
const sourceStatuses = new Map<string, Statuses>();
let state: DemoState;

async function recordSourceStatuses(day: string): Promise<void> {
  const rows = await querySource<{ kind: string; id: string; status: string }>(
    state,
    `select 'project' as kind, projects.id::text as id, projects.status from projects
       join companies on companies.id = projects.company_id
       where projects.deleted_at is null and companies.deleted_at is null
     union all
     select 'area', areas.id::text, areas.status from areas
       join projects on projects.id = areas.project_id join companies on companies.id = projects.company_id
       where areas.deleted_at is null and projects.deleted_at is null and companies.deleted_at is null`,
  );
  sourceStatuses.set(day, new Map(rows.map((row) => [`${row.kind} ${row.id}`, row.status])));
}

beforeAll(async () => {
  state = newDemoState();
  await rebar(state, ['generate', '--scale', '0.05', '--end-date', DAYS[0] as string, '--seed', '9']);
  await recordSourceStatuses(DAYS[0] as string);
  await rebar(state, ['nightly', '--no-simulate']);
  for (const day of DAYS.slice(1)) {
    assert.match(await rebar(state, ['simulate-day']), new RegExp(`Simulated ${day}`));
    // The office puts the first active project on hold for a day, then resumes it: two more versions.
    const held = await querySource(
      state,
      `update projects set status = '${day === DAYS[1] ? 'on_hold' : 'active'}', updated_at = '${day} 21:00:00+00'
      where id = (select min(id) from projects where status = '${day === DAYS[1] ? 'active' : 'on_hold'}' and deleted_at is null) returning id`,
    );
    assert.equal(held.length, 1);
    if (day === DAYS[2]) {
      // A check-in from two days ago is corrected late (a worker added), and one from yesterday is
      // deleted (older edits: tests/models/incrementalChanges.test.ts).
      const corrected = await querySource(
        state,
        `update crew_checkins
        set workers = workers || '[{"user_id": -5, "role": "laborer", "hours": 4}]'::jsonb, updated_at = '${day} 22:00:00+00'
        where id = (select min(id) from crew_checkins where checkin_date = '${DAYS[0]}' and deleted_at is null) returning id`,
      );
      const deleted = await querySource(
        state,
        `update crew_checkins set deleted_at = '${day} 22:00:00+00', updated_at = '${day} 22:00:00+00'
        where id = (select min(id) from crew_checkins where checkin_date = '${DAYS[1]}' and deleted_at is null) returning id`,
      );
      assert.equal(corrected.length + deleted.length, 2);
    }
    await recordSourceStatuses(day);
    await rebar(state, ['nightly', '--no-simulate']);
  }
}, 600_000);

test('the status of every project and area on a past date is what the source said that day', async () => {
  for (const day of DAYS) {
    const rows = (
      await runAnalysis({
        config: state.config,
        name: 'status_on_date',
        vars: { status_date: day },
        warehousePath: state.config.publishedPath,
      })
    ).rows;
    const answered: Statuses = new Map(
      rows.map((row) => [
        row.area_id === null ? `project ${row.project_id}` : `area ${row.area_id}`,
        String(row.status),
      ]),
    );
    const expected = sourceStatuses.get(day) as Statuses;
    assert.ok(
      rows.every((row) => row.status_source !== 'derived from dates'),
      'every day here is within the recorded history',
    );
    assert.deepEqual(answered, expected, `statuses on ${day}`);
    const changedSince = [...expected].filter(
      ([key, status]) => sourceStatuses.get(DAYS[2] as string)?.get(key) !== status,
    ).length;
    console.log(
      `${day}: ${answered.size} projects and areas as the source had them (${changedSince} differ from the latest day)`,
    );
  }
  const changedProjects = [...(sourceStatuses.get(DAYS[0] as string) as Statuses)].filter(
    ([key, status]) => key.startsWith('project') && DAYS.some((day) => sourceStatuses.get(day)?.get(key) !== status),
  );
  assert.ok(changedProjects.length > 0, 'some project changed status over the days, so history is exercised');
});

test('dim_project keeps every version with valid_from/valid_to/is_current', async () => {
  const [versions] = await queryDuckDb(
    state.config.publishedPath,
    `select count(*)::int as versions, count(distinct project_id)::int as projects,
      sum(case when is_current then 1 else 0 end)::int as current_versions,
      sum(case when valid_to < valid_from then 1 else 0 end)::int as inverted
    from marts.dim_project where not is_unknown_member`,
  );
  assert.ok(Number(versions?.versions) >= Number(versions?.projects) + 2, JSON.stringify(versions));
  assert.equal(versions?.current_versions, versions?.projects);
  assert.equal(versions?.inverted, 0);
});

test('incremental facts built night by night equal a full refresh', async () => {
  for (const { model, rows, onlyIncremental, onlyFullRefresh } of await compareIncrementalWithFullRefresh(
    state.config,
  )) {
    console.log(
      `${model}: ${rows} rows, ${onlyIncremental} only in the incremental build, ${onlyFullRefresh} only in the full refresh`,
    );
    assert.ok(rows > 0, `${model} is empty`);
    assert.equal(onlyIncremental, 0, model);
    assert.equal(onlyFullRefresh, 0, model);
  }
});
