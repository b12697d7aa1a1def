import type { Logger } from 'pino';
import { stopTracing } from './tracing';

/**
 * On SIGTERM or SIGINT: log, close the app (Nest stops accepting work and runs its shutdown
 * hooks, so what is in hand finishes), send the spans still buffered, log `<app> stopped` and
 * exit 0, or 1 when closing failed.
 */
export function closeOnSignals(
  app: { close(): Promise<void> },
  logger: Logger,
  name: string,
): void {
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    app
      .close()
      // A collector that is away must not turn a clean stop into a failed one.
      .then(() =>
        stopTracing().catch((error: unknown) =>
          logger.warn({ err: String(error) }, 'buffered spans not exported at shutdown'),
        ),
      )
      .then(
        () => {
          logger.info(`${name} stopped`);
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(
            { err: error instanceof Error ? error.stack : String(error) },
            'shutdown failed',
          );
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
