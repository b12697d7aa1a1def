import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { traceLogFields, tracingEnabled } from './tracing';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED = [
  'password',
  'token',
  'authorization',
  '*.password',
  '*.token',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * One JSON line per log record on stdout, with the app's name on every line, and the active
 * span's `trace_id`/`span_id` while tracing is on (start it first).
 */
export function createLogger(app: string, level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
    // Only with tracing on: untraced, a log line costs what it did.
    ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
  });
}

/** Lets Nest's own messages (route mapping, lifecycle) come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
