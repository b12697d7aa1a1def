import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min, ValidateBy } from 'class-validator';
import { ConfigValidationError } from './validate-environment';

/** An integer environment setting within [min, max] (environment values arrive as text). */
export function IntegerSetting(min: number, max: number): PropertyDecorator {
  return (target, property) => {
    Type(() => Number)(target, property);
    IsInt()(target, property);
    Min(min)(target, property);
    Max(max)(target, property);
  };
}

/**
 * A setting checked against the whole environment: `problem` says what is wrong with the value
 * (the message after the setting's name), or undefined when it is fine. Runs for unset values too.
 */
export function SettingRule<E extends object>(
  problem: (value: unknown, env: E) => string | undefined,
): PropertyDecorator {
  return ValidateBy({
    name: 'settingRule',
    validator: {
      validate: (value: unknown, args) => problem(value, args?.object as E) === undefined,
      defaultMessage: (args) => (args ? (problem(args.value, args.object as E) ?? '') : ''),
    },
  });
}

/**
 * Ends a process that could not start: one `config error: …` line per bad setting, else one
 * `<what> failed: …` line; exit code 1 either way.
 */
export function exitOnStartupError(what: string, error: unknown): never {
  if (error instanceof ConfigValidationError) {
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  } else {
    process.stderr.write(
      `${what} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL`: one of pino's levels. */
export function LogLevelSetting(): PropertyDecorator {
  return IsIn(LOG_LEVELS);
}

/** A connection pool's size: 1 to 100 connections. */
export function PoolSizeSetting(): PropertyDecorator {
  return IntegerSetting(1, 100);
}

const BROKER_LIST = /^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/;

/** `KAFKA_BROKERS`: comma-separated host:port pairs. */
export function KafkaBrokersSetting(): PropertyDecorator {
  return Matches(BROKER_LIST, { message: 'must be comma-separated host:port pairs' });
}
