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

const ALIASES = Symbol('setting aliases');

/**
 * Older names of a setting, still read when the setting itself is unset (documented as aliases
 * in the app's README). Setting both to different values is refused.
 */
export function SettingAlias(...names: string[]): PropertyDecorator {
  return (target, property) => {
    const inherited = (Reflect.getMetadata(ALIASES, target) ?? {}) as Record<string, string[]>;
    Reflect.defineMetadata(ALIASES, { ...inherited, [String(property)]: names }, target);
  };
}

const given = (value: unknown): boolean => value !== undefined && value !== '';

/** The environment with each alias's value under its setting's name; `spelled` says who set it. */
function resolveAliases(
  schema: ClassConstructor<object>,
  env: Record<string, unknown>,
): { env: Record<string, unknown>; spelled: Map<string, string>; problems: string[] } {
  const prototype = schema.prototype as object;
  const aliases = (Reflect.getMetadata(ALIASES, prototype) ?? {}) as Record<string, string[]>;
  const resolved = { ...env };
  const spelled = new Map<string, string>();
  const problems: string[] = [];
  for (const [setting, names] of Object.entries(aliases)) {
    for (const alias of names.filter((name) => given(env[name]))) {
      if (!given(resolved[setting])) {
        resolved[setting] = env[alias];
        spelled.set(setting, alias);
      } else if (resolved[setting] !== env[alias]) {
        problems.push(
          `${setting}: set twice, also under its old name ${alias}, to another value (keep ${setting})`,
        );
      }
    }
  }
  return { env: resolved, spelled, problems };
}

/**
 * Validates `env` against a class-validator schema once, at start-up. Unknown variables are
 * ignored (the process environment holds many); each bad one gives a line naming it, under the
 * name the operator set (an alias's when it came from one).
 */
export function validateEnvironment<T extends object>(
  schema: ClassConstructor<T>,
  env: Record<string, unknown>,
): T {
  const { env: resolved, spelled, problems } = resolveAliases(schema, env);
  const instance = plainToInstance(schema, resolved, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { stopAtFirstError: true });
  for (const error of errors) {
    const name = spelled.get(error.property) ?? error.property;
    const rule = Object.values(error.constraints ?? {})
      .map((message) => message.replace(new RegExp(`^${error.property} `), ''))
      .join(', ');
    problems.push(`${name}: ${rule} (got ${describe(name, resolved[error.property])})`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return instance;
}

const SECRET_SETTING = /AUTH|TOKEN|SECRET|PASSWORD|URL|KEYS?$/i;

// Some settings hold secrets (a DATABASE_URL can carry a password): never echo those.
function describe(property: string, value: unknown): string {
  if (value === undefined || value === '') return 'nothing';
  if (SECRET_SETTING.test(property)) return 'a value that is not shown';
  return JSON.stringify(value);
}
