import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { createLogger } from '@app/observability';
import { loadRetentionConfig } from './config/retention.config';
import { createRetentionApp } from './retention.app';

async function bootstrap(): Promise<void> {
  const config = loadRetentionConfig(process.env);
  const logger = createLogger('retention', config.logLevel);
  const app = await createRetentionApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    { url: `http://${config.http.host}:${config.http.port}/docs` },
    'retention listening',
  );

  // Stop consuming (the message in hand finishes and is committed), stop the relay, then exit.
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        logger.info('retention stopped');
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

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(
      `retention failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
