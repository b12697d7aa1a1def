import 'reflect-metadata';
import { exitOnStartupError } from '@app/config';
import { createLogger, startTracing } from '@app/observability';
import { createAuditApp } from './audit.app';
import { loadAuditConfig } from './config/audit.config';

async function bootstrap(): Promise<void> {
  // First: spans are explicit (no require hooks), so it only has to precede the app.
  startTracing('audit');
  const config = loadAuditConfig(process.env);
  const logger = createLogger('audit', config.logLevel);
  const app = await createAuditApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: `http://${config.http.host}:${config.http.port}/audit` }, 'audit listening');
}

bootstrap().catch((error: unknown) => exitOnStartupError('audit start-up', error));
