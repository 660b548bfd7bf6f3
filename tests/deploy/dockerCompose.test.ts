import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { test } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../orchestration/src/config/config.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../support/projectRoot.js';

// No Docker engine (and no `docker compose`) runs on the build machines: the compose file is checked
// against the Compose Specification's JSON schema and against what Rebar and the stack need.

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  'x-duckdb-database-file'?: string;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const composePath = join(projectRoot, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');
const compose = parse(composeText) as Compose;
const checkJsonschema = join(projectRoot, '.venv', 'bin', 'check-jsonschema');

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  named: boolean;
}

function mountsOf(service: Service): Mount[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = '', mode = ''] = volume.split(':');
      return { source, target, readOnly: mode.split(',').includes('ro'), named: !/^[./~]/.test(source) };
    }
    return {
      source: volume.source ?? '',
      target: volume.target ?? '',
      readOnly: volume.read_only === true,
      named: volume.type === 'volume',
    };
  });
}

/** The named volume and the mount a container path lies in. */
function mountHolding(service: Service, path: string): Mount | undefined {
  return mountsOf(service).find((mount) => mount.named && path.startsWith(`${mount.target}/`));
}

async function validate(path: string) {
  assert.ok(
    existsSync(checkJsonschema),
    `${checkJsonschema} missing: run scripts/setup (requirements.txt pins check-jsonschema)`,
  );
  return runCommand(checkJsonschema, ['--builtin-schema', 'vendor.compose-spec', path]);
}

test('docker-compose.yml is valid under the Compose Specification schema, and the check catches a broken copy', async () => {
  const valid = await validate(composePath);
  assert.equal(valid.code, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, /ok -- validation done/);

  // The same file with `volumes:` of the worker misspelled and an unknown depends_on condition.
  const broken = composeText
    .replace(/(\n  rebar-worker:[\s\S]*?\n    )volumes:/, '$1volume:')
    .replace('condition: service_healthy', 'condition: service_ready');
  assert.notEqual(broken, composeText);
  const brokenPath = join(mkdtempSync(join(tmpdir(), 'rebar-compose-')), 'docker-compose.yml');
  writeFileSync(brokenPath, broken);
  const invalid = await validate(brokenPath);
  assert.equal(invalid.code, 1, invalid.stdout + invalid.stderr);
  assert.match(invalid.stdout, /properties are not allowed \([^)]*'volume'/);
  assert.match(invalid.stdout, /'service_ready' is not one of/);
});

test('docker-compose.yml runs the worker against the source and Temporal services with settings Rebar knows', () => {
  const worker = compose.services['rebar-worker'];
  assert.ok(worker, 'a rebar-worker service');
  assert.deepEqual(worker.command, ['worker']);
  const settings = Object.keys(worker.environment ?? {});
  assert.deepEqual(
    settings.filter((name) => !CONFIG_VARIABLES.includes(name)),
    [],
    'every variable is read by the config module',
  );
  assert.match(worker.environment?.REBAR_SOURCE_URL ?? '', /@source-postgres:5432\//);
  assert.equal(worker.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
  assert.match(
    composeText,
    /^# +docker compose run --rm rebar-worker schedule create\b/m,
    'the header says how to register the schedule',
  );
});

test('docker-compose.yml: dependencies and named volumes exist, images are pinned', () => {
  const declared = Object.keys(compose.volumes ?? {});
  const used = new Set<string>();
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dependency of Object.keys(service.depends_on ?? {}))
      assert.ok(compose.services[dependency], `${name} depends on ${dependency}, which is defined`);
    for (const mount of mountsOf(service).filter((candidate) => candidate.named)) {
      assert.ok(
        declared.includes(mount.source),
        `${name} mounts volume ${mount.source}, which is declared under volumes:`,
      );
      used.add(mount.source);
    }
    if (service.build === undefined) {
      assert.match(service.image ?? '', /^[\w./-]+:[\w.-]*\d+\.\d+[\w.-]*$/, `${name}: image pinned to a version tag`);
    }
  }
  assert.deepEqual(
    declared.filter((volume) => !used.has(volume)),
    [],
    'every declared volume is used',
  );
});

test('docker-compose.yml: Metabase reads the file the worker publishes, read-only, with the DuckDB driver', () => {
  const worker = compose.services['rebar-worker'] as Service;
  const metabase = compose.services.metabase;
  const init = compose.services['metabase-init'];
  assert.ok(metabase && init, 'metabase and metabase-init services');

  const published = worker.environment?.REBAR_PUBLISHED_PATH ?? '';
  const workerMount = mountHolding(worker, published);
  assert.ok(workerMount && !workerMount.readOnly, `the worker writes ${published} to a named volume`);
  assert.ok(
    worker.environment?.REBAR_WAREHOUSE_PATH?.startsWith(`${workerMount.target}/`),
    'the working warehouse is on the same volume (publish renames into place)',
  );

  const warehouseMounts = mountsOf(metabase).filter((mount) => mount.source === workerMount.source);
  assert.equal(warehouseMounts.length, 1, `Metabase mounts the ${workerMount.source} volume once`);
  assert.equal(warehouseMounts[0]?.readOnly, true, `Metabase mounts ${workerMount.source} read-only (:ro)`);
  const databaseFile = metabase['x-duckdb-database-file'] ?? '';
  assert.equal(databaseFile, published, "Metabase's DuckDB file is the worker's REBAR_PUBLISHED_PATH");
  assert.equal(
    mountHolding(metabase, databaseFile)?.source,
    workerMount.source,
    'and Metabase sees it at that path, in the read-only mount',
  );
  assert.ok(composeText.includes(`database file ${published}`), 'the header tells what to enter in Metabase');

  assert.deepEqual(metabase.depends_on?.['metabase-init'], { condition: 'service_completed_successfully' });
  const pluginsDir = metabase.environment?.MB_PLUGINS_DIR ?? '';
  const pluginsMount = mountHolding(metabase, `${pluginsDir}/x`);
  assert.ok(
    pluginsMount && !pluginsMount.readOnly,
    `MB_PLUGINS_DIR ${pluginsDir} is in a writable volume (Metabase unpacks its own drivers there)`,
  );
  const initMount = mountsOf(init).find((mount) => mount.source === pluginsMount.source);
  assert.ok(initMount, `metabase-init fills the ${pluginsMount.source} volume`);
  const initScript = (Array.isArray(init.command) ? init.command.join('\n') : String(init.command)).replaceAll(
    '$$',
    '$',
  );
  const driverVersion = init.environment?.DUCKDB_DRIVER_VERSION ?? '';
  assert.match(driverVersion, /^\d+\.\d+\.\d+(\.\d+)?$/, 'a pinned DuckDB driver release');
  assert.match(init.environment?.METABASE_VERSION ?? '', /^v\d+\.\d+\.\d+(\.\d+)?$/, 'a pinned Metabase release');
  assert.ok(
    initScript.includes(
      'https://github.com/motherduckdb/metabase_duckdb_driver/releases/download/$DUCKDB_DRIVER_VERSION/duckdb.metabase-driver.jar',
    ),
  );
  const driverTarget = /\s(\/\S+\/duckdb\.metabase-driver\.jar)\s/.exec(initScript)?.[1] ?? '';
  assert.equal(
    posix.dirname(posix.relative(initMount.target, driverTarget)),
    posix.relative(pluginsMount.target, pluginsDir),
    'the driver lands in MB_PLUGINS_DIR',
  );
  assert.deepEqual(metabase.command, ['java', '-jar', `${pluginsMount.target}/metabase.jar`]);
});

test('docker-compose.yml: the Snowflake workers scale (no fixed name, no host port, no shared state folder) and read only settings Rebar knows', () => {
  const workers = compose.services['rebar-worker-snowflake'] as Service & {
    profiles?: string[];
    container_name?: string;
    ports?: unknown[];
  };
  assert.ok(workers, 'a rebar-worker-snowflake service');
  assert.deepEqual(workers.profiles, ['snowflake']);
  assert.equal(workers.container_name, undefined);
  assert.equal(workers.ports, undefined);
  assert.deepEqual(mountsOf(workers), [], 'each replica keeps its state folder to itself');
  assert.equal(workers.environment?.REBAR_TARGET, 'snowflake');
  assert.deepEqual(
    Object.keys(workers.environment ?? {}).filter((name) => !CONFIG_VARIABLES.includes(name)),
    [],
  );
  assert.match(composeText, /docker compose --profile snowflake up -d --scale rebar-worker-snowflake=3/);
});
