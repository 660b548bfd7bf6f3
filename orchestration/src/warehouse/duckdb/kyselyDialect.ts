import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * A kysely dialect on @duckdb/node-api over one connection the caller has already opened (see
 * connection.ts: the warehouse file is opened per operation, so kysely never opens or pools one).
 * DuckDB's SQL is Postgres-like where kysely's builder goes ($1 parameters, double-quoted
 * identifiers, `returning`), so the Postgres query compiler and adapter serve it. Transactions stay
 * with the caller (connection.ts inTransaction): kysely queries run inside them like any other.
 */
export class DuckDbDialect implements Dialect {
  constructor(private readonly connection: DuckDBConnection) {}

  createDriver(): Driver {
    return new DuckDbDriver(this.connection);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(): DatabaseIntrospector {
    throw new Error(
      "The DuckDB kysely dialect types Rebar's own tables only; it has no introspector (read information_schema with plain SQL).",
    );
  }
}

class DuckDbDriver implements Driver {
  private readonly wrapped: DuckDbKyselyConnection;

  constructor(connection: DuckDBConnection) {
    this.wrapped = new DuckDbKyselyConnection(connection);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.wrapped;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin transaction'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {}

  /** The connection belongs to the caller, who closes it. */
  async destroy(): Promise<void> {}
}

class DuckDbKyselyConnection implements DatabaseConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.connection.runAndReadAll(compiledQuery.sql, compiledQuery.parameters as DuckDBValue[]);
    // DML returns one row, its count of changed rows, and no result columns of its own.
    const kind = compiledQuery.query.kind;
    if (kind === 'InsertQueryNode' || kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode') {
      const returning = 'returning' in compiledQuery.query && compiledQuery.query.returning !== undefined;
      if (!returning) return { rows: [], numAffectedRows: BigInt(Number(result.getRowsJS()[0]?.[0] ?? 0)) };
    }
    return { rows: result.getRowObjectsJS() as R[] };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The DuckDB kysely dialect does not stream; bookkeeping reads are small.');
  }
}
