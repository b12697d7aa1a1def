import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { createLogger } from '@app/observability';
import { createAuditApp } from './audit.app';
import { loadAuditConfig } from './config/audit.config';

async function bootstrap(): Promise<void> {
  const config = loadAuditConfig(process.env);
  const logger = createLogger('audit', config.logLevel);
  const app = await createAuditApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: `http://${config.http.host}:${config.http.port}/audit` }, 'audit listening');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(
      `audit failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
