import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { closeOnSignals, createLogger, startTracing } from '@app/observability';
import { loadRetentionConfig } from './config/retention.config';
import { createRetentionApp } from './retention.app';

async function bootstrap(): Promise<void> {
  // First: spans are explicit (no require hooks), so it only has to precede the app.
  startTracing('retention');
  const config = loadRetentionConfig(process.env);
  const logger = createLogger('retention', config.logLevel);
  const app = await createRetentionApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    { url: `http://${config.http.host}:${config.http.port}/docs` },
    'retention listening',
  );
  // Stop consuming (the message in hand finishes and is committed), stop the relay, then exit.
  closeOnSignals(app, logger, 'retention');
}

bootstrap().catch((error: unknown) => exitOnStartupError('retention start-up', error));
