import { exitOnStartupError } from '@app/config';
import { closeOnSignals, createLogger, startTracing, type LogLevel } from '@app/observability';
import type { Logger } from 'pino';

export interface AppSpec<C extends { http: { host: string; port: number }; logLevel: LogLevel }> {
  /** The app's name: log `app` field, `<name> listening`, `<name> stopped`. */
  name: string;
  /** Validates the environment; a ConfigValidationError stops the process, one line per setting. */
  loadConfig: (env: Record<string, string | undefined>) => C;
  /** Builds the app, not listening yet (tests build it the same way). */
  createApp: (
    config: C,
    logger: Logger,
  ) => Promise<{
    listen(port: number, host: string): Promise<unknown>;
    close(): Promise<void>;
  }>;
  /** The path logged with the listening line, e.g. `/billwerk-hook`. */
  path?: string;
}

async function start<C extends { http: { host: string; port: number }; logLevel: LogLevel }>(
  spec: AppSpec<C>,
): Promise<void> {
  // First, so the logger and everything the app builds see it. Spans are explicit (no require
  // hooks), so nothing needs loading before this line; a bad OTEL_* setting stops the start here.
  startTracing(spec.name);
  const config = spec.loadConfig(process.env);
  const logger = createLogger(spec.name, config.logLevel);
  const app = await spec.createApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    { url: `http://${config.http.host}:${config.http.port}${spec.path ?? ''}` },
    `${spec.name} listening`,
  );
  // SIGTERM/SIGINT: stop accepting, let what is in hand finish (Nest's shutdown hooks), exit.
  closeOnSignals(app, logger, spec.name);
}

/**
 * Every app's main.ts: tracing, config, logger, app, listen, signals. A start-up error ends the process
 * with one line (`config error: …` per bad setting, else `<name> start-up failed: …`), exit 1.
 */
export function bootstrap<C extends { http: { host: string; port: number }; logLevel: LogLevel }>(
  spec: AppSpec<C>,
): void {
  start(spec).catch((error: unknown) => exitOnStartupError(`${spec.name} start-up`, error));
}
