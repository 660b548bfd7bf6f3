import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { discoverTables } from '../../orchestration/src/extract/discoverTables.js';
import {
  DEFAULT_CURSOR_COLUMNS,
  DEFAULT_SOFT_DELETE_COLUMNS,
  type TableConfig,
} from '../../orchestration/src/kernel/tablesConfig.js';
import { projectRoot } from './projectRoot.js';

/** The second source fixture (an equipment-rental yard), unlike the demo: tests/fixtures/rental_yard. */
export const RENTAL_YARD_DIR = join(projectRoot, 'tests', 'fixtures', 'rental_yard');
export const RENTAL_YARD_DATABASE = 'rental_yard';
export const RENTAL_YARD_SCHEMAS = ['public', 'yard'];

/** Creates a fresh database for the fixture in the cluster adminUrl points at and returns its URL. */
export async function createRentalYardDatabase(adminUrl: string, database = RENTAL_YARD_DATABASE): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${database}"`);
    await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Applies schema.sql (DDL and seed rows) to an empty database. */
export function loadRentalYard(url: string): Promise<void> {
  return runSqlFile(url, 'schema.sql');
}

/** Applies changes.sql: one day of the app's edits after schema.sql. */
export function applyRentalYardChanges(url: string): Promise<void> {
  return runSqlFile(url, 'changes.sql');
}

async function runSqlFile(url: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(readFileSync(join(RENTAL_YARD_DIR, file), 'utf8'));
  } catch (error) {
    throw new Error(`${file} failed on ${new URL(url).pathname}: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
}

/**
 * A login role with exactly the grants docs/your-database.md tells a user to give Rebar (connect,
 * usage on the schemas, select on their tables now and later); returns the fixture's URL as that role.
 */
export async function createReadOnlyRole(url: string, role = 'rebar_reader'): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const database = new URL(url).pathname.slice(1);
    const schemas = RENTAL_YARD_SCHEMAS.join(', ');
    await client.query(`
      do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${role} login; end if; end $$;
      grant connect on database "${database}" to ${role};
      grant usage on schema ${schemas} to ${role};
      grant select on all tables in schema ${schemas} to ${role};
      alter default privileges in schema ${schemas} grant select on tables to ${role};
    `);
  } finally {
    await client.end();
  }
  const reader = new URL(url);
  reader.username = role;
  return reader.toString();
}

/** The fixture's relations as `rebar init` and `--all` find them (no tables config): its keys, cursors and modes. */
export function discoverRentalYard(client: pg.ClientBase): Promise<TableConfig[]> {
  return discoverTables(client, {
    configured: [],
    discover: {
      schemas: RENTAL_YARD_SCHEMAS,
      include: [],
      exclude: [],
      cursorColumns: DEFAULT_CURSOR_COLUMNS,
      softDeleteColumns: DEFAULT_SOFT_DELETE_COLUMNS,
    },
  });
}
