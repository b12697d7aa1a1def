import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
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
