import { rmSync } from 'node:fs';
import { STATEMENT_LOG_DIR } from './fakesnow.js';

/** vitest globalSetup: each run starts the Snowflake gate's statement logs afresh (see scripts/snowflake_compat.py). */
export default function resetStatementLogs(): void {
  rmSync(STATEMENT_LOG_DIR, { recursive: true, force: true });
}
