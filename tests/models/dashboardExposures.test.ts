import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../support/projectRoot.js';

// dbt's lineage of the starter dashboards (models/exposures/_metabase__exposures.yml) must follow
// metabase/dashboards.yml: one exposure per dashboard, depending on exactly the marts its cards' SQL
// reads. Metabase's SQL names tables as marts.<model>, so those names are read off the files here.

interface DashboardsFile {
  dashboards: { name: string; cards: { question: string }[] }[];
}

interface ExposuresFile {
  exposures: {
    name: string;
    label?: string;
    type: string;
    owner?: { name?: string; email?: string };
    depends_on?: string[];
  }[];
}

const dashboards = (parse(readFileSync(join(projectRoot, 'metabase', 'dashboards.yml'), 'utf8')) as DashboardsFile)
  .dashboards;
const exposures = (
  parse(readFileSync(join(projectRoot, 'models', 'exposures', '_metabase__exposures.yml'), 'utf8')) as ExposuresFile
).exposures;

function martsReadBy(question: string): string[] {
  const sql = readFileSync(join(projectRoot, 'metabase', `${question}.sql`), 'utf8');
  return [...sql.matchAll(/\bmarts\.(\w+)/g)].map((match) => match[1] as string);
}

test('every dashboard of metabase/dashboards.yml has one dashboard exposure, and every exposure a dashboard', () => {
  assert.ok(dashboards.length > 0, 'metabase/dashboards.yml lists no dashboards');
  assert.deepEqual(
    exposures.map((exposure) => exposure.label).sort(),
    dashboards.map((dashboard) => dashboard.name).sort(),
    'exposure labels in models/exposures/_metabase__exposures.yml must be the dashboard names of metabase/dashboards.yml',
  );
  for (const exposure of exposures) {
    assert.equal(exposure.type, 'dashboard', `exposure ${exposure.name}: type`);
    assert.ok(
      exposure.owner?.name ?? exposure.owner?.email,
      `exposure ${exposure.name}: an owner with a name or email`,
    );
  }
});

test("each dashboard's exposure depends on exactly the marts its questions read", () => {
  for (const dashboard of dashboards) {
    const exposure = exposures.find((candidate) => candidate.label === dashboard.name);
    assert.ok(exposure, `no exposure labelled ${dashboard.name}`);
    const read = [...new Set(dashboard.cards.flatMap((card) => martsReadBy(card.question)))].sort();
    assert.ok(read.length > 0, `${dashboard.name}: its questions read no marts.<model>`);
    const declared = (exposure.depends_on ?? [])
      .map((ref) => /^ref\('(\w+)'\)$/.exec(ref)?.[1] ?? `not a ref: ${ref}`)
      .sort();
    assert.deepEqual(
      declared,
      read,
      `exposure ${exposure.name}: depends_on must ref the marts metabase/ SQL of "${dashboard.name}" reads`,
    );
  }
});
