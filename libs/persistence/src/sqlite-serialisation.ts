import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { wrapQueries } from './query-wrapping';

/** Runs work one at a time, in call order; a failure does not stop the queue. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * TypeORM's SQLite drivers share ONE connection: a `transaction()` started while another is
 * open becomes a savepoint inside it, and a query outside any transaction runs inside whichever
 * one is open, so one caller's rollback undoes what the others had committed. This gives every
 * transaction the connection to itself: transactions and queries outside them wait in one FIFO
 * queue; work inside the transaction that holds the connection (nested transactions included)
 * runs at once. Consequence for callers: never hold a transaction across a network call, or every
 * other writer waits for it.
 */
export function serialiseSqlite(dataSource: DataSource): DataSource {
  const lock = new Mutex();
  const holder = new AsyncLocalStorage<true>();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> =>
    holder.getStore() ? work() : lock.run(() => holder.run(true, work));

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (...args: unknown[]) => exclusive(() => transaction(...args));

  wrapQueries(dataSource, (query, args) => exclusive(() => query(...args)));
  return dataSource;
}
