import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { discoverSourceTables, type DiscoveredTable } from '../extract/discoverTables.js';
import { SourceSchemaError } from '../extract/sourceCatalog.js';
import { parseRebarFile, type DiscoverSettings } from '../kernel/tablesConfig.js';
import { sourcePassword } from '../source/checkSource.js';
import { withClient } from '../source/demoSource.js';
import { redactSecretsInText, scrubSecrets } from '../util/redact.js';
import { dbtProjectFiles } from './dbtProjectFiles.js';
import { sourceNameOf } from './names.js';
import { renderRebarYaml } from './rebarYaml.js';
import { stagingModelFiles } from './stagingModels.js';
import { UserError } from '../errors/userError.js';

export class InitError extends UserError {}

export interface InitProjectInput {
  /** Holds credentials: only ever passed to the connection. */
  sourceUrl: string;
  discover: DiscoverSettings;
  /** Unset: the database's name. */
  sourceName: string | undefined;
  /** Unset: sources/<source name>, from the current folder. */
  outDir: string | undefined;
  force: boolean;
}

export interface InitProjectOutput {
  sourceName: string;
  databaseName: string;
  outDir: string;
  rebarFilePath: string;
  tables: DiscoveredTable[];
}

/** Discovers the source and writes <dir>/rebar.yml and the dbt project <dir>/dbt/ for it. */
export async function initProject(input: InitProjectInput): Promise<InitProjectOutput> {
  if (input.sourceName !== undefined && !/^[a-z_][a-z0-9_]*$/.test(input.sourceName)) {
    throw new InitError(
      `--name "${input.sourceName}" is not a usable source name: use lowercase letters, digits and _, starting with a letter (e.g. ${sourceNameOf(input.sourceName)})`,
    );
  }
  const { databaseName, tables } = await withClient(input.sourceUrl, async (client) => {
    const database = await client.query<{ name: string }>('select current_database() as name');
    return {
      databaseName: database.rows[0]?.name ?? 'source',
      tables: await discoverSourceTables(client, { configured: [], discover: input.discover }),
    };
  }).catch((error: unknown) => {
    if (error instanceof SourceSchemaError) throw new InitError(error.message);
    const message = scrubSecrets(error instanceof Error ? error.message : String(error), [
      sourcePassword(input.sourceUrl),
      input.sourceUrl,
    ]);
    throw new InitError(
      `Reading the source (REBAR_SOURCE_URL) failed: ${redactSecretsInText(message)}. Check the URL, that the database is up, and that the user may read its catalog.`,
    );
  });
  const sourceName = input.sourceName ?? sourceNameOf(databaseName);
  if (tables.length === 0) {
    throw new InitError(
      `No tables found in schema(s) ${input.discover.schemas.join(', ')} of database ${databaseName}${patternsNote(input.discover)}: check --schemas, --include and --exclude (and that the user can see the tables).`,
    );
  }
  const outDir = input.outDir ?? join('sources', sourceName);
  const rebarFilePath = join(outDir, 'rebar.yml');
  const dbtDir = join(outDir, 'dbt');
  const existing = [rebarFilePath, dbtDir].filter((path) => existsSync(path));
  if (existing.length > 0 && !input.force) {
    throw new InitError(
      `${existing.join(' and ')} already exist(s): nothing was written. Pass --force to replace them (the generated staging models are rewritten), or choose another --out.`,
    );
  }
  const rebarYaml = renderRebarYaml({ databaseName, sourceName, tables, discover: input.discover });
  // What init writes must be a file Rebar accepts (discovery already refused two relations sharing a raw name).
  parseRebarFile(rebarYaml, rebarFilePath);
  // Stale models of tables no longer discovered would otherwise stay and fail on a missing raw table.
  rmSync(join(dbtDir, 'models', 'staging', sourceName), { recursive: true, force: true });
  const files: Record<string, string> = { 'rebar.yml': rebarYaml };
  for (const [path, text] of Object.entries({
    ...dbtProjectFiles(sourceName),
    ...stagingModelFiles(sourceName, tables),
  }))
    files[join('dbt', path)] = text;
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  return { sourceName, databaseName, outDir, rebarFilePath, tables };
}

function patternsNote(discover: DiscoverSettings): string {
  const parts = [
    discover.include.length > 0 ? `including ${discover.include.join(', ')}` : '',
    discover.exclude.length > 0 ? `excluding ${discover.exclude.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}
