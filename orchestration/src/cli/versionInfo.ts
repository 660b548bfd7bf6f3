import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';
import { findProjectRoot } from '../config/projectRoot.js';

/**
 * What `rebar --version` prints: Rebar's own version (package.json), the DuckDB library the CLI and
 * loader use, and the dbt-core/dbt-duckdb installed beside the dbt executable runs use. The dbt
 * versions are read from the virtualenv's package metadata, not by starting dbt (seconds, and it
 * checks the network for a newer release).
 */
export function versionLines(dbtBin: string): string[] {
  const root = findProjectRoot();
  const rebar = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return [`rebar ${rebar}`, `duckdb ${duckdbVersion()} (@duckdb/node-api)`, ...dbtPackageVersions(dbtBin)];
}

function dbtPackageVersions(dbtBin: string): string[] {
  if (!existsSync(dbtBin)) return [`dbt: not installed at ${dbtBin} (REBAR_DBT_BIN)`];
  const venv = dirname(dirname(realpathSync(dbtBin)));
  const libDir = join(venv, 'lib');
  const sitePackages = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith('python'))
        .map((name) => join(libDir, name, 'site-packages'))
        .filter(existsSync)
    : [];
  const installed = sitePackages.flatMap((dir) => readdirSync(dir));
  const found = (pkg: string) =>
    installed.map((name) => new RegExp(`^${pkg}-(.+)\\.dist-info$`).exec(name)?.[1]).find(Boolean);
  return ['dbt_core', 'dbt_duckdb'].map(
    (pkg) => `${pkg.replace('_', '-')} ${found(pkg) ?? `unknown (no ${pkg} metadata beside ${dbtBin})`}`,
  );
}
