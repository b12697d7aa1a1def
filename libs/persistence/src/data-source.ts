import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { traceQueries } from './query-tracing';
import { serialiseSqlite } from './sqlite-serialisation';

export type DatabaseKind = 'postgres' | 'sqlite';

export interface DatabaseSettings {
  /** `postgres://…`; unset means the embedded SQLite file. */
  url?: string;
  /** The SQLite file used when `url` is unset. */
  sqlitePath: string;
  /** Postgres connections kept open. */
  poolSize: number;
}

export interface DataSourceParts {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Creates tables from the entities: only for throwaway test databases. */
  synchronize?: boolean;
}

/** Fail fast instead of hanging when the database is gone; the caller retries with backoff. */
const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 30_000;

/**
 * A TypeORM data source (not yet initialised): Postgres when a URL is given, else SQLite; its
 * statements are traced when tracing is on.
 */
export function createDataSource(settings: DatabaseSettings, parts: DataSourceParts): DataSource {
  const common = {
    entities: parts.entities,
    migrations: parts.migrations,
    synchronize: parts.synchronize ?? false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (settings.url) {
    return traceQueries(
      new DataSource({
        ...common,
        type: 'postgres',
        url: settings.url,
        extra: {
          max: settings.poolSize,
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          query_timeout: QUERY_TIMEOUT_MS,
        },
      }),
    );
  }
  // One shared connection: without serialisation one caller's rollback undoes another's commit.
  return traceQueries(
    serialiseSqlite(
      new DataSource({
        ...common,
        type: 'better-sqlite3',
        database: settings.sqlitePath,
        // WAL keeps committed transactions across a process kill and lets readers run beside the writer.
        enableWAL: true,
        timeout: QUERY_TIMEOUT_MS,
      }),
    ),
  );
}

export function databaseKind(dataSource: DataSource): DatabaseKind {
  return dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** Where a connection string points, without credentials: safe to log. */
export function describeDatabase(settings: DatabaseSettings): string {
  if (!settings.url) return `sqlite:${settings.sqlitePath}`;
  const url = new URL(settings.url);
  return `postgres://${url.host}${url.pathname}`;
}
