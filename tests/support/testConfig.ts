import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RebarConfig } from '../../orchestration/src/config/config.js';

/** A config whose state (warehouse, extract files, dbt target) lives in a fresh temp folder. */
export function testConfig(overrides: Record<string, string> = {}): RebarConfig {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-state-'));
  return loadConfig({
    REBAR_STATE_DIR: stateDir,
    REBAR_LOG_LEVEL: 'warn',
    REBAR_EXTRACT_PARALLELISM: '3',
    ...overrides,
  });
}
