import { UserError } from '../errors/userError.js';

/** A query Rebar cannot run as asked (no warehouse yet, bad SQL, a write, a bad output option): the message says why. */
export class SqlError extends UserError {}
