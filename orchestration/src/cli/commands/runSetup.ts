import { type DbtProjectChoice, dbtProjectOf } from '../../dbt/dbtProjectChoice.js';
import type { DiscoverSettings, RebarFile, TableConfig } from '../../kernel/tablesConfig.js';
import { isDemoSource } from '../../source/isDemoSource.js';
import { UserError } from '../../errors/userError.js';

/** The tables config names the demo while the source is another database, and the command cannot go on without models. */
export class DemoFileForeignSourceError extends UserError {}

/** How a worker extracts and builds, decided once at start-up from the tables config and the source. */
export interface RunSetup {
  tables: TableConfig[];
  discover: DiscoverSettings;
  dbt: DbtProjectChoice;
  /** The embedded demo, or a database holding public.demo_clock: the demo's example query applies. */
  sourceIsDemo: boolean;
  /** One line to print when the file's tables and models were set aside. */
  notice: string | undefined;
}

export interface ResolveRunSetupInput {
  file: RebarFile;
  source: { url: string; isDemo: boolean };
  /** The run discovers every table (--all): a demo file then still lets a foreign source load, without models. */
  all: boolean;
  /** What to suggest besides `rebar init` (e.g. "pass --all to load every table without models"). */
  alternative: string | undefined;
}

/**
 * A file marked `demo: true` (the shipped rebar.yml) describes the demo's tables and models. With a
 * source that is not a demo, they do not apply: `--all` discovers the source's own tables and runs
 * extract-only; anything else stops here, before any service starts.
 */
export async function resolveRunSetup(input: ResolveRunSetupInput): Promise<RunSetup> {
  const { file } = input;
  const sourceIsDemo = input.source.isDemo || (await isDemoSource(input.source.url));
  if (!file.describesDemo || sourceIsDemo)
    return { tables: file.tables, discover: file.discover, dbt: dbtProjectOf(file), sourceIsDemo, notice: undefined };
  if (!input.all) {
    throw new DemoFileForeignSourceError(
      `${file.path} describes the demo source, but REBAR_SOURCE_URL points at another database: run \`rebar init\` to write a tables config for it (docs/your-database.md)${input.alternative ? `, or ${input.alternative}` : ''}`,
    );
  }
  const why = `${file.path} describes the demo source, not this database`;
  return {
    tables: [],
    discover: file.discover,
    dbt: { projectDir: undefined, why },
    sourceIsDemo,
    notice: `${why}: loading every table --all discovers, extract-only (its demo tables and dbt project do not apply; \`rebar init\` writes a config for this database)`,
  };
}
