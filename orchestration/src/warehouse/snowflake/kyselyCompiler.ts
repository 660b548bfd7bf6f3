import {
  DefaultQueryCompiler,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
} from 'kysely';

/**
 * Snowflake's side of kysely is compile-only: kysely builds the SQL text and its binds, and the
 * session the operation already holds (connection.ts) runs it, inside that operation's transaction
 * next to its plain-SQL MERGE or COPY. No driver of kysely's opens Snowflake sessions.
 * Identifiers are left unquoted so `_rebar.runs` resolves to _REBAR.RUNS as every other statement
 * writes it (bookkeeping names are Rebar's own, never a source's); binds are `?`.
 */
class SnowflakeQueryCompiler extends DefaultQueryCompiler {
  protected override getCurrentParameterPlaceholder(): string {
    return '?';
  }

  protected override getLeftIdentifierWrapper(): string {
    return '';
  }

  protected override getRightIdentifierWrapper(): string {
    return '';
  }

  protected override sanitizeIdentifier(identifier: string): string {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(identifier))
      throw new Error(
        `Bookkeeping identifier ${JSON.stringify(identifier)} would need quoting on Snowflake; name _rebar columns plainly`,
      );
    return identifier;
  }
}

class SnowflakeCompileOnlyDialect implements Dialect {
  createDriver(): Driver {
    return new DummyDriver();
  }

  createQueryCompiler(): QueryCompiler {
    return new SnowflakeQueryCompiler();
  }

  /** Only its flags matter here (no RETURNING is used, transactions are the session's). */
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(): DatabaseIntrospector {
    throw new Error('The Snowflake kysely dialect compiles queries only; it has no introspector.');
  }
}

/** A kysely that only builds queries: compile them and run the SQL through a Snowflake session. */
export function compileOnlyKysely<Database>(): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SnowflakeCompileOnlyDialect() });
}
