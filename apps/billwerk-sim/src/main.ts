import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { createLogger, startTracing } from '@app/observability';
import { loadSimConfig } from './config/sim.config';
import { createSimApp } from './sim.app';

async function bootstrap(): Promise<void> {
  // First: spans are explicit (no require hooks), so it only has to precede the app.
  startTracing('billwerk-sim');
  const config = loadSimConfig(process.env);
  const logger = createLogger('billwerk-sim', config.logLevel);
  const app = await createSimApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    {
      url: `http://${config.http.host}:${config.http.port}`,
      webhookTarget: config.webhook.target ? new URL(config.webhook.target.url).origin : undefined,
    },
    'billwerk simulator listening',
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(
      `billwerk-sim failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
