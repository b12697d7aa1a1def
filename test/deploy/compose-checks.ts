import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { getMetadataStorage } from 'class-validator';

/**
 * Offline checks of docker-compose.yml and the Dockerfile against the apps' own config schemas and
 * nest-cli.json: no Docker engine runs here, so this is what stands between a typo and a stack that
 * only fails on someone's laptop. Each check returns problem lines; an empty list means it passes.
 */

export type Env = Record<string, string>;

export interface AppEntry {
  /** The validated environment class whose property names are the settings the entry reads. */
  schema: new () => object;
  /** The entry's config loader; throws on a bad environment. */
  load: (env: Env) => unknown;
  /** The HTTP port the loaded config listens on; absent for one-shot entries. */
  port?: (config: unknown) => number;
}

export interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, unknown>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  command?: unknown;
  entrypoint?: unknown;
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/**
 * Set by the container runtime or Node itself, or read by every app's start-up (tracing), not by
 * the app's config schema.
 */
const RUNTIME_KEYS = new Set(['APP', 'NODE_OPTIONS', 'OTEL_EXPORTER_OTLP_ENDPOINT']);

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g;

/**
 * Compose's interpolation as an operator meets it: `${VAR:-default}` becomes its default and
 * `${VAR:?message}` the plausible value `required` gives for VAR; a bare `${VAR}` is a problem
 * (it silently becomes empty when unset). `$$` is compose's escape for a literal `$`.
 */
export function interpolate(value: string, required: Env, problems: string[]): string {
  return value.replace(
    new RegExp(`\\$\\$|${VARIABLE.source}`, 'g'),
    (match, name: string | undefined, operator: string | undefined, rest: string) => {
      if (name === undefined) return '$';
      if (operator === ':-') return rest;
      if (operator === ':?') {
        if (required[name] === undefined) problems.push(`${name}: required, but no test value`);
        return required[name] ?? '';
      }
      problems.push(`${name}: referenced without a default (:-) or a required marker (:?)`);
      return '';
    },
  );
}

/** Maps every string in a parsed YAML tree through `interpolate`. */
export function interpolateTree<T>(tree: T, required: Env, problems: string[]): T {
  if (typeof tree === 'string') return interpolate(tree, required, problems) as T;
  if (Array.isArray(tree)) {
    return tree.map((item: unknown) => interpolateTree(item, required, problems)) as T;
  }
  if (tree !== null && typeof tree === 'object') {
    return Object.fromEntries(
      Object.entries(tree).map(([key, item]: [string, unknown]) => [
        key,
        interpolateTree(item, required, problems),
      ]),
    ) as T;
  }
  return tree;
}

/** The setting names a class-validator schema knows, its parents' included. */
export function schemaKeys(schema: new () => object): Set<string> {
  return new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(schema, '', true, false)
      .map((metadata) => metadata.propertyName),
  );
}

/** As the container sees it: a key without a value passes the shell's through, unset here. */
function environmentOf(service: Service): Env {
  return Object.fromEntries(
    Object.entries(service.environment ?? {})
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}

/** The entry a service runs from the app image, if any. */
export function appOf(service: Service): string | undefined {
  const app = service.environment?.APP;
  return typeof app === 'string' ? app : undefined;
}

function containerPort(mapping: string): number {
  return Number(mapping.split(':').pop()?.split('/')[0]);
}

/** Environment keys the schema knows, the environment passes the loader, ports match the config. */
export function checkAppEnvironments(
  compose: ComposeFile,
  entries: Record<string, AppEntry>,
): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const env = environmentOf(service);
    const app = appOf(service);
    if (app === undefined) continue;
    const entry = entries[app];
    if (!entry) {
      problems.push(`${name}: APP=${app} is no known entry`);
      continue;
    }
    const known = schemaKeys(entry.schema);
    for (const key of Object.keys(service.environment ?? {})) {
      if (!RUNTIME_KEYS.has(key) && !known.has(key)) {
        problems.push(`${name}: ${key} is not a setting of ${app}`);
      }
    }
    let config: unknown;
    try {
      config = entry.load(env);
    } catch (error) {
      problems.push(`${name}: ${app} rejects its environment: ${(error as Error).message}`);
      continue;
    }
    if (!entry.port) continue;
    const port = entry.port(config);
    for (const mapping of service.ports ?? []) {
      if (containerPort(mapping) !== port) {
        problems.push(
          `${name}: publishes container port ${mapping}, but ${app} listens on ${port}`,
        );
      }
    }
    const probe = JSON.stringify(service.healthcheck?.test ?? '');
    if (!probe.includes(`:${port}/`)) {
      problems.push(`${name}: healthcheck does not probe port ${port}`);
    }
  }
  return problems;
}

/** Every named volume used is declared and every declared one used; bind mounts are not volumes. */
export function checkVolumes(compose: ComposeFile): string[] {
  const declared = new Set(Object.keys(compose.volumes ?? {}));
  const used = new Set<string>();
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const mount of service.volumes ?? []) {
      const source = mount.split(':')[0];
      if (source.startsWith('.') || source.startsWith('/')) continue;
      used.add(source);
      if (!declared.has(source)) problems.push(`${name}: volume ${source} is not declared`);
    }
  }
  for (const volume of declared) {
    if (!used.has(volume)) problems.push(`volume ${volume} is declared but unused`);
  }
  return problems;
}

/**
 * Targets exist, `service_healthy` targets have a healthcheck, `service_completed_successfully`
 * targets are one-shots, and nothing outside a profile waits on a service that only a profile starts.
 */
export function checkDependencies(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
      const dependency = compose.services[target];
      if (!dependency) {
        problems.push(`${name}: depends on ${target}, which does not exist`);
        continue;
      }
      if (condition === 'service_healthy' && !dependency.healthcheck) {
        problems.push(`${name}: waits for ${target} to be healthy, but it has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && dependency.restart !== 'no') {
        problems.push(`${name}: waits for ${target} to complete, but it restarts`);
      }
      if (dependency.profiles && !service.profiles) {
        problems.push(`${name}: depends on ${target}, which only starts under a profile`);
      }
    }
  }
  return problems;
}

/** Every service that runs an app entry uses the one image the build produces. */
export function checkOneImage(compose: ComposeFile): string[] {
  const built = Object.values(compose.services).filter((service) => service.build !== undefined);
  const images = new Set(built.map((service) => service.image));
  const problems: string[] = [];
  if (images.size !== 1) problems.push(`built services name ${images.size} images, not one`);
  const [image] = images;
  for (const [name, service] of Object.entries(compose.services)) {
    if (appOf(service) !== undefined && (service.image !== image || service.build === undefined)) {
      problems.push(`${name}: runs an app but not the built image ${String(image)}`);
    }
  }
  return problems;
}

/** Credentials are required variables (`:?`) unless the service only runs in the demo profile. */
export function checkNoHardCodedSecrets(raw: ComposeFile): string[] {
  const secret = /(PASSWORD|SECRET|TOKENS?|BASIC_AUTH|DATABASE_URL)$/;
  const problems: string[] = [];
  for (const [name, service] of Object.entries(raw.services)) {
    if (service.profiles?.includes('demo')) continue;
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (!secret.test(key)) continue;
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      const literal = text.replace(VARIABLE, (_m, _n, operator: string, rest: string) =>
        operator === ':-' ? rest : '',
      );
      if (key.endsWith('DATABASE_URL') ? !text.includes(':?') : literal !== '') {
        problems.push(`${name}: ${key} has a hard-coded value`);
      }
    }
  }
  return problems;
}

export interface DatabaseRoles {
  /** The one-shot service that migrates as the owner and grants the app role. */
  migrate: string;
  /** The service that runs the app. */
  app: string;
  /** The role names the database's init script creates. */
  created: { owner: string; app: string };
}

function userOf(url: unknown): string | undefined {
  return typeof url === 'string' ? decodeURIComponent(new URL(url).username) : undefined;
}

/**
 * The app connects as a role of its own, which the migration step grants to and the init script
 * creates, never with the owner's URL, and in production mode (which refuses a role that could
 * rewrite the log); the migration step connects as the owner the init script creates.
 */
export function checkDatabaseRoles(compose: ComposeFile, roles: DatabaseRoles): string[] {
  const migrateEnv = compose.services[roles.migrate]?.environment ?? {};
  const appEnv = compose.services[roles.app]?.environment ?? {};
  const owner = userOf(migrateEnv.AUDIT_MIGRATION_DATABASE_URL ?? migrateEnv.DATABASE_URL);
  const app = userOf(appEnv.DATABASE_URL);
  const problems: string[] = [];
  if (owner !== roles.created.owner) {
    problems.push(
      `${roles.migrate}: migrates as ${String(owner)}, not the owner role ${roles.created.owner} the init script creates`,
    );
  }
  if (app !== roles.created.app) {
    problems.push(
      `${roles.app}: connects as ${String(app)}, not the app role ${roles.created.app} the init script creates`,
    );
  }
  if (app === owner) {
    problems.push(
      `${roles.app}: connects as ${String(app)}, the role ${roles.migrate} migrates as`,
    );
  }
  if (migrateEnv.AUDIT_APP_ROLE !== app) {
    problems.push(
      `${roles.migrate}: grants AUDIT_APP_ROLE=${String(migrateEnv.AUDIT_APP_ROLE)}, but ${roles.app} connects as ${String(app)}`,
    );
  }
  if (appEnv.AUDIT_MIGRATION_DATABASE_URL !== undefined) {
    problems.push(`${roles.app}: holds the owner's URL (AUDIT_MIGRATION_DATABASE_URL)`);
  }
  if (appEnv.AUDIT_MIGRATE_ON_START !== 'false') {
    problems.push(`${roles.app}: migrates at start, which its read-and-append role cannot`);
  }
  if (appEnv.NODE_ENV !== 'production') {
    problems.push(
      `${roles.app}: not NODE_ENV=production, so an owner role would only be warned about`,
    );
  }
  return problems;
}

/** The Dockerfile's last stage switches to a user that is not root. */
export function checkNonRoot(dockerfile: string): string[] {
  const stages = dockerfile.split(/^FROM\s/m);
  const users = [...stages[stages.length - 1].matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
  const user = users[users.length - 1];
  if (user === undefined) return ['the final stage has no USER, so it runs as root'];
  if (/^(root|0)(:|$)/.test(user)) return [`the final stage runs as ${user}`];
  return [];
}

interface NestCli {
  projects: Record<string, { type: string; entryFile: string }>;
}

/**
 * Each APP value resolves, by the start script's own path pattern, to the file nest-cli.json makes
 * for that project (`dist/apps/<project>/<entryFile>.js`), from a source file that exists.
 */
export function checkEntries(
  apps: string[],
  startScript: string,
  nestCli: NestCli,
  root: string,
): string[] {
  const pattern = /"(dist\/[^"]*\$project[^"]*\$entry\.js)"/.exec(startScript)?.[1];
  if (!pattern) return ['the start script has no dist/…$project…$entry.js path'];
  const problems: string[] = [];
  for (const app of new Set(apps)) {
    const migrate = app.endsWith('-migrate');
    const project = migrate ? app.slice(0, -'-migrate'.length) : app;
    const entry = migrate ? 'migrate' : 'main';
    const nest = nestCli.projects[project];
    if (nest?.type !== 'application') {
      problems.push(`APP=${app}: ${project} is no application in nest-cli.json`);
      continue;
    }
    const dir = posix.dirname(nest.entryFile);
    const expected = `dist/apps/${project}/${dir}/${entry}.js`;
    const started = pattern.replace(/\$project/g, project).replace(/\$entry/g, entry);
    if (started !== expected)
      problems.push(`APP=${app}: starts ${started}, nest builds ${expected}`);
    if (!existsSync(join(root, dir, `${entry}.ts`))) {
      problems.push(`APP=${app}: ${dir}/${entry}.ts does not exist`);
    }
  }
  return problems;
}

type Tree = Record<string, unknown>;

function isMapping(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A volume's target path, by which compose merges an override's volumes into the base's. */
function volumeTarget(mount: string): string {
  return mount.split(':')[1] ?? mount;
}

function mergeService(base: Service, override: Service): Service {
  const merged: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (key === 'ports' && Array.isArray(current) && Array.isArray(value)) {
      merged[key] = [...new Set([...(current as string[]), ...(value as string[])])];
    } else if (key === 'volumes' && Array.isArray(current) && Array.isArray(value)) {
      const byTarget = new Map((current as string[]).map((mount) => [volumeTarget(mount), mount]));
      for (const mount of value as string[]) byTarget.set(volumeTarget(mount), mount);
      merged[key] = [...byTarget.values()];
    } else if (isMapping(current) && isMapping(value)) {
      merged[key] = { ...current, ...value };
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

/**
 * `docker compose -f base -f override` as far as these files go: a service's mappings
 * (environment, depends_on, healthcheck) merge key by key, ports append, volumes merge by their
 * target, anything else is replaced; new services and volumes are added.
 */
export function mergeCompose(base: ComposeFile, override: ComposeFile): ComposeFile {
  const services: Record<string, Service> = { ...base.services };
  for (const [name, service] of Object.entries(override.services)) {
    services[name] = services[name] ? mergeService(services[name], service) : service;
  }
  return { services, volumes: { ...base.volumes, ...override.volumes } };
}

/** Every port a Kafka container publishes binds the host's loopback only. */
export function checkKafkaPortsOnLoopback(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    if (!service.image?.startsWith('apache/kafka')) continue;
    for (const mapping of service.ports ?? []) {
      if (!mapping.startsWith('127.0.0.1:')) {
        problems.push(`${name}: publishes ${mapping} on every interface, not 127.0.0.1`);
      }
    }
  }
  return problems;
}

/** The topics a deploy/kafka script names (`billwerk.*.v1`, `retention.*.v1`). */
export function topicsIn(script: string): string[] {
  return [...script.matchAll(/\b((?:billwerk|retention)\.[a-z.]+\.v\d+)\b/g)].map((m) => m[1]);
}

export interface AclGrant {
  principal: string;
  operations: string[];
  topics: string[];
  groups: string[];
  /** `--resource-pattern-type prefixed`: the names are prefixes. */
  prefixed: boolean;
}

/**
 * The grants of deploy/kafka/init-acls.sh: one per `allow <principal> <Op[,Op…]> <resources…>`
 * line, with `"${events[@]}"` standing for the topics its `for topic in …` loop lists.
 */
export function aclGrants(script: string): AclGrant[] {
  const loop = /for topic in ([^;]+); do\s+events\+=/.exec(script);
  const events = loop ? topicsIn(loop[1]) : [];
  const grants: AclGrant[] = [];
  const lines = script.replace(/\\\n\s*/g, ' ').split('\n');
  for (const line of lines) {
    const match = /^allow (\S+) ([A-Za-z,]+) (.*)$/.exec(line.trim());
    if (!match) continue;
    const [, principal, operations, rest] = match;
    const topics = [...rest.matchAll(/--topic (\S+)/g)].map((m) => m[1]);
    if (rest.includes('"${events[@]}"')) topics.unshift(...events);
    const groups = [...rest.matchAll(/--group (\S+)/g)].map((m) => m[1]);
    const prefixed = rest.includes('--resource-pattern-type prefixed');
    grants.push({ principal, operations: operations.split(','), topics, groups, prefixed });
  }
  return grants;
}
