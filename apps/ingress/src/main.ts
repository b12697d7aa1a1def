import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { createLogger } from '@app/observability';
import { loadIngressConfig } from './config/ingress.config';
import { createIngressApp } from './ingress.app';

async function bootstrap(): Promise<void> {
  const config = loadIngressConfig(process.env);
  const logger = createLogger('ingress', config.logLevel);
  const app = await createIngressApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    { url: `http://${config.http.host}:${config.http.port}/billwerk-hook` },
    'ingress listening',
  );

  // Stop accepting, let in-flight hooks get their acknowledgement or their 503, then exit.
  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        logger.info('ingress stopped');
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
      `ingress failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
