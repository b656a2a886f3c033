/**
 * A minimal kysely dialect over PGlite (PostgreSQL compiled to WASM), so the embedded
 * default runs the same SQL as a PostgreSQL server. kysely's own Postgres adapter,
 * compiler and introspector do the work; this file only bridges `pglite.query`.
 *
 * PGlite has exactly one session, so connections are handed out one at a time: a
 * transaction holds the only connection until it commits, which serialises
 * transactions the way they must be on a single session.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  /** Resolves with a release function once every earlier holder has released. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return acquired;
  }
}

/** More than one statement: a `;` followed by anything but whitespace (quotes and bodies aside, enough for the scripts we run). */
const isScript = (sql: string) => /;\s*\S/.test(sql.replace(/\$\$[\s\S]*?\$\$/g, '').replace(/'(?:[^']|'')*'/g, "''"));

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.parameters.length === 0 && isScript(compiled.sql)) return this.executeScript<R>(compiled.sql);
    const result = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  /**
   * A parameterless script of several statements (the job queue's migrations and locked
   * commands, `BEGIN; …; COMMIT;`) cannot be a prepared statement: it runs through the
   * simple protocol, as node-postgres runs it. A failure inside its own BEGIN would
   * leave the only session in an aborted transaction, so that is rolled back.
   */
  private async executeScript<R>(script: string): Promise<QueryResult<R>> {
    try {
      const results = await this.pglite.exec(script);
      return { rows: (results.at(-1)?.rows ?? []) as R[] };
    } catch (err) {
      if (this.pglite.isInTransaction()) await this.pglite.exec('rollback').catch(() => undefined);
      throw err;
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite dialect does not support streaming queries');
  }
}

class PGliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly connection: PGliteConnection;
  private release: (() => void) | undefined;

  constructor(private readonly pglite: PGlite) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.release = await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
