import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** The environment failed its schema; `problems` has one line per bad setting. */
export class ConfigValidationError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

/**
 * Validates `env` against a class-validator schema once, at start-up. Unknown variables are
 * ignored (the process environment holds many); each bad one gives a line naming it.
 */
export function validateEnvironment<T extends object>(
  schema: ClassConstructor<T>,
  env: Record<string, unknown>,
): T {
  const instance = plainToInstance(schema, env, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((error) => {
        const rule = Object.values(error.constraints ?? {})
          .map((message) => message.replace(new RegExp(`^${error.property} `), ''))
          .join(', ');
        return `${error.property}: ${rule} (got ${describe(error.property, env[error.property])})`;
      }),
    );
  }
  return instance;
}

const SECRET_SETTING = /AUTH|TOKEN|SECRET|PASSWORD|URL|KEYS?$/i;

// Some settings hold secrets (a DATABASE_URL can carry a password): never echo those.
function describe(property: string, value: unknown): string {
  if (value === undefined || value === '') return 'nothing';
  if (SECRET_SETTING.test(property)) return 'a value that is not shown';
  return JSON.stringify(value);
}
