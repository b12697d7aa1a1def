import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { closeOnSignals, createLogger, startTracing } from '@app/observability';
import { loadIngressConfig } from './config/ingress.config';
import { createIngressApp } from './ingress.app';

async function bootstrap(): Promise<void> {
  // First: spans are explicit (no require hooks), so it only has to precede the app.
  startTracing('ingress');
  const config = loadIngressConfig(process.env);
  const logger = createLogger('ingress', config.logLevel);
  const app = await createIngressApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    { url: `http://${config.http.host}:${config.http.port}/billwerk-hook` },
    'ingress listening',
  );
  // Stop accepting, let in-flight hooks get their acknowledgement or their 503, then exit.
  closeOnSignals(app, logger, 'ingress');
}

bootstrap().catch((error: unknown) => exitOnStartupError('ingress start-up', error));
