import { UserError } from '../errors/userError.js';

/**
 * The source cannot serve mode cdc as it is (wal_level, privileges, replica identity, the target):
 * every attempt would fail alike, so the tables fail at once and the message says what to change.
 */
export class CdcSetupError extends UserError {}
