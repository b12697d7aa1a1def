import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BILLWERK_TOPICS } from '@app/contracts';
import { parse } from 'yaml';
import {
  AuditDatabaseEnvironment,
  AuditEnvironment,
  loadAuditConfig,
  loadAuditDatabaseConfig,
} from '../../apps/audit/src/config/audit.config';
import { AUDIT_DLQ_TOPIC } from '../../apps/audit/src/ingestion/audit-topics';
import { SimEnvironment, loadSimConfig } from '../../apps/billwerk-sim/src/config/sim.config';
import {
  IngressEnvironment,
  loadIngressConfig,
} from '../../apps/ingress/src/config/ingress.config';
import {
  RetentionDatabaseEnvironment,
  RetentionEnvironment,
  loadRetentionConfig,
  loadRetentionDatabaseConfig,
} from '../../apps/retention/src/config/retention.config';
import {
  RETENTION_ACTIONS_TOPIC,
  RETENTION_DLQ_TOPIC,
} from '../../apps/retention/src/domain/retention-action';
import { DEFAULT_KAFKA_VERSION } from '../../tools/kafka/local-kafka';
import {
  appOf,
  checkAppEnvironments,
  checkDatabaseRoles,
  checkDependencies,
  checkEntries,
  checkNoHardCodedSecrets,
  checkNonRoot,
  checkOneImage,
  checkVolumes,
  interpolateTree,
  type AppEntry,
  type ComposeFile,
} from './compose-checks';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Plausible values for the variables the compose file marks as required (`${VAR:?…}`). */
const REQUIRED: Record<string, string> = {
  POSTGRES_PASSWORD: 'compose-test-password',
  AUDIT_OWNER_PASSWORD: 'compose-test-owner-password',
  AUDIT_APP_PASSWORD: 'compose-test-app-password',
  INGRESS_PATH_TOKENS: 'billwerk:compose-test-hook-token',
  RETENTION_API_TOKENS: 'retention-test-token-0123456789',
  AUDIT_API_TOKENS: 'audit-test-token-0123456789',
  AUDIT_CHAIN_KEY: 'compose-test-audit-chain-key-0123456789',
  BILLWERK_CLIENT_ID: 'compose-test-client',
  BILLWERK_CLIENT_SECRET: 'compose-test-secret',
};

const ENTRIES: Record<string, AppEntry> = {
  ingress: {
    schema: IngressEnvironment,
    load: loadIngressConfig,
    port: (config) => (config as ReturnType<typeof loadIngressConfig>).http.port,
  },
  retention: {
    schema: RetentionEnvironment,
    load: loadRetentionConfig,
    port: (config) => (config as ReturnType<typeof loadRetentionConfig>).http.port,
  },
  audit: {
    schema: AuditEnvironment,
    load: loadAuditConfig,
    port: (config) => (config as ReturnType<typeof loadAuditConfig>).http.port,
  },
  'billwerk-sim': {
    schema: SimEnvironment,
    load: loadSimConfig,
    port: (config) => (config as ReturnType<typeof loadSimConfig>).http.port,
  },
  'audit-migrate': { schema: AuditDatabaseEnvironment, load: loadAuditDatabaseConfig },
  'retention-migrate': { schema: RetentionDatabaseEnvironment, load: loadRetentionDatabaseConfig },
};

function loadRaw(): ComposeFile {
  return parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
}

function interpolated(raw: ComposeFile): ComposeFile {
  const problems: string[] = [];
  const compose = interpolateTree(raw, REQUIRED, problems);
  expect(problems).toEqual([]);
  return compose;
}

/** A deep copy of the real file to break in one place. */
function mutated(change: (compose: ComposeFile) => void): ComposeFile {
  const copy = structuredClone(interpolated(loadRaw()));
  change(copy);
  return copy;
}

function allApps(compose: ComposeFile): string[] {
  return Object.values(compose.services).flatMap((service) => appOf(service) ?? []);
}

describe('docker-compose.yml', () => {
  const raw = loadRaw();
  const compose = interpolated(raw);

  it('runs ingress, retention, audit, both migrations and (demo) the simulator', () => {
    expect(new Set(allApps(compose))).toEqual(new Set(Object.keys(ENTRIES)));
    expect(compose.services['billwerk-sim'].profiles).toEqual(['demo']);
  });

  it('gives each app only settings its schema knows, and values its loader accepts', () => {
    expect(checkAppEnvironments(compose, ENTRIES)).toEqual([]);
  });

  it('rejects an unknown setting, a value the loader refuses and a mismatched port', () => {
    const broken = mutated((c) => {
      c.services.ingress.environment = { ...c.services.ingress.environment, INGRESS_PROT: '3000' };
      c.services.audit.environment = { ...c.services.audit.environment, KAFKA_BROKERS: 'kafka' };
      c.services.retention.ports = ['3005:3005'];
    });
    expect(checkAppEnvironments(broken, ENTRIES)).toEqual([
      'ingress: INGRESS_PROT is not a setting of ingress',
      'retention: publishes container port 3005:3005, but retention listens on 3001',
      expect.stringMatching(/^audit: audit rejects its environment: .*KAFKA_BROKERS/),
    ]);
  });

  it('rejects an entry nest-cli.json does not build', () => {
    const broken = mutated((c) => {
      c.services.ingress.environment = { ...c.services.ingress.environment, APP: 'billing' };
    });
    expect(checkAppEnvironments(broken, ENTRIES)).toEqual([
      'ingress: APP=billing is no known entry',
    ]);
  });

  it('declares every named volume it uses and uses every one it declares', () => {
    expect(checkVolumes(compose)).toEqual([]);
    const broken = mutated((c) => {
      c.services.kafka.volumes = ['kafka-logs:/var/lib/kafka/data'];
    });
    expect(checkVolumes(broken)).toEqual([
      'kafka: volume kafka-logs is not declared',
      'volume kafka-data is declared but unused',
    ]);
  });

  it('waits only on services that exist and can report what is waited for', () => {
    expect(checkDependencies(compose)).toEqual([]);
    const broken = mutated((c) => {
      delete c.services.postgres.healthcheck;
      c.services.ingress.depends_on = {
        ...c.services.ingress.depends_on,
        zookeeper: { condition: 'service_healthy' },
        'billwerk-sim': { condition: 'service_healthy' },
      };
      c.services['init-topics'].restart = 'unless-stopped';
    });
    expect(checkDependencies(broken)).toEqual(
      expect.arrayContaining([
        'init-audit: waits for postgres to be healthy, but it has no healthcheck',
        'ingress: waits for init-topics to complete, but it restarts',
        'ingress: depends on zookeeper, which does not exist',
        'ingress: depends on billwerk-sim, which only starts under a profile',
      ]),
    );
  });

  it('runs every app from the one built image', () => {
    expect(checkOneImage(compose)).toEqual([]);
    const broken = mutated((c) => {
      c.services.audit.image = 'billwerk-audit:local';
    });
    expect(checkOneImage(broken)).toEqual([
      'built services name 2 images, not one',
      'audit: runs an app but not the built image billwerk-bridge:local',
    ]);
  });

  it('hard-codes no credential outside the demo profile', () => {
    expect(checkNoHardCodedSecrets(raw)).toEqual([]);
    const broken = structuredClone(raw);
    broken.services.retention.environment = {
      ...broken.services.retention.environment,
      BILLWERK_CLIENT_SECRET: '${BILLWERK_CLIENT_SECRET:-s3cret}',
      DATABASE_URL: 'postgres://billwerk:pw@postgres:5432/retention',
    };
    broken.services['init-audit'].environment = {
      ...broken.services['init-audit'].environment,
      AUDIT_MIGRATION_DATABASE_URL: 'postgres://audit_owner:pw@postgres:5432/audit',
    };
    expect(checkNoHardCodedSecrets(broken)).toEqual([
      'init-audit: AUDIT_MIGRATION_DATABASE_URL has a hard-coded value',
      'retention: BILLWERK_CLIENT_SECRET has a hard-coded value',
      'retention: DATABASE_URL has a hard-coded value',
    ]);
  });

  describe('audit database roles', () => {
    const script = read('deploy/postgres/audit-roles.sh');
    const created = {
      owner: /AUDIT_OWNER_ROLE:-(\w+)/.exec(script)?.[1] ?? '',
      app: /AUDIT_APP_ROLE:-(\w+)/.exec(script)?.[1] ?? '',
    };
    const roles = { migrate: 'init-audit', app: 'audit', created };

    it('creates an owner and an app role on an empty volume, from an executable init script', () => {
      expect(created).toEqual({ owner: 'audit_owner', app: 'audit_app' });
      expect(compose.services.postgres.volumes).toContain(
        './deploy/postgres:/docker-entrypoint-initdb.d:ro',
      );
      // The image sources a script that is not executable, inside its own shell.
      expect(statSync(join(ROOT, 'deploy/postgres/audit-roles.sh')).mode & 0o111).not.toBe(0);
      expect(Object.keys(compose.services.postgres.environment ?? {})).toEqual(
        expect.arrayContaining(['AUDIT_OWNER_PASSWORD', 'AUDIT_APP_PASSWORD']),
      );
    });

    it('migrates as the owner, granting the role the app alone connects as', () => {
      expect(checkDatabaseRoles(compose, roles)).toEqual([]);
    });

    it('rejects the app connecting as the owner, holding its URL or not in production', () => {
      const owner = compose.services['init-audit'].environment?.AUDIT_MIGRATION_DATABASE_URL;
      const broken = mutated((c) => {
        c.services.audit.environment = {
          ...c.services.audit.environment,
          DATABASE_URL: owner,
          AUDIT_MIGRATION_DATABASE_URL: owner,
          AUDIT_MIGRATE_ON_START: 'true',
          NODE_ENV: 'development',
        };
      });
      expect(checkDatabaseRoles(broken, roles)).toEqual([
        'audit: connects as audit_owner, not the app role audit_app the init script creates',
        'audit: connects as audit_owner, the role init-audit migrates as',
        'init-audit: grants AUDIT_APP_ROLE=audit_app, but audit connects as audit_owner',
        "audit: holds the owner's URL (AUDIT_MIGRATION_DATABASE_URL)",
        'audit: migrates at start, which its read-and-append role cannot',
        'audit: not NODE_ENV=production, so an owner role would only be warned about',
      ]);
      const superuser = mutated((c) => {
        c.services['init-audit'].environment = {
          APP: 'audit-migrate',
          DATABASE_URL: 'postgres://billwerk:pw@postgres:5432/audit',
        };
      });
      expect(checkDatabaseRoles(superuser, roles)).toEqual([
        'init-audit: migrates as billwerk, not the owner role audit_owner the init script creates',
        'init-audit: grants AUDIT_APP_ROLE=undefined, but audit connects as audit_app',
      ]);
    });
  });

  it('leaves no variable that silently turns empty', () => {
    const problems: string[] = [];
    interpolateTree({ services: { x: { environment: { A: '${UNSET}' } } } }, REQUIRED, problems);
    expect(problems).toEqual([
      'UNSET: referenced without a default (:-) or a required marker (:?)',
    ]);
  });

  it('runs the Kafka version the local launcher runs', () => {
    const kafkaImages = Object.values(compose.services)
      .map((service) => service.image)
      .filter((image) => image?.startsWith('apache/kafka'));
    expect(kafkaImages.length).toBeGreaterThan(0);
    expect(new Set(kafkaImages)).toEqual(new Set([`apache/kafka:${DEFAULT_KAFKA_VERSION}`]));
  });

  it('creates every topic the apps publish or consume, and only those', () => {
    const script = JSON.stringify(compose.services['init-topics'].command);
    const created = [...script.matchAll(/\b((?:billwerk|retention)\.[a-z.]+\.v\d+)\b/g)].map(
      (match) => match[1],
    );
    expect(new Set(created)).toEqual(
      new Set([...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC, AUDIT_DLQ_TOPIC, RETENTION_DLQ_TOPIC]),
    );
  });

  it('passes docker-compose config when that tool is installed', () => {
    let version: string;
    try {
      version = execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
    } catch {
      return; // optional: the other checks do not need it
    }
    expect(version).toMatch(/\d/);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...REQUIRED };
    expect(() =>
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: ROOT,
        env,
        stdio: 'pipe',
      }),
    ).not.toThrow();
    expect(() =>
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: ROOT,
        env: { ...env, POSTGRES_PASSWORD: undefined },
        stdio: 'pipe',
      }),
    ).toThrow(/POSTGRES_PASSWORD/);
    for (const variable of ['AUDIT_OWNER_PASSWORD', 'AUDIT_APP_PASSWORD']) {
      expect(() =>
        execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
          cwd: ROOT,
          env: { ...env, [variable]: undefined },
          stdio: 'pipe',
        }),
      ).toThrow(new RegExp(variable));
    }
    // As compose resolves it: the owner's URL reaches the migration step only, the app's the app only.
    const resolved = parse(
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      }),
    ) as ComposeFile;
    const urls = Object.entries(resolved.services).flatMap(([name, service]) =>
      Object.entries(service.environment ?? {})
        .filter(([, value]) => typeof value === 'string' && value.includes('@postgres:5432/audit'))
        .map(([key, value]) => `${name} ${key} ${String(value)}`),
    );
    expect(urls.sort()).toEqual([
      `audit DATABASE_URL postgres://audit_app:${REQUIRED.AUDIT_APP_PASSWORD}@postgres:5432/audit`,
      `init-audit AUDIT_MIGRATION_DATABASE_URL postgres://audit_owner:${REQUIRED.AUDIT_OWNER_PASSWORD}@postgres:5432/audit`,
    ]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const nestCli = JSON.parse(read('nest-cli.json')) as Parameters<typeof checkEntries>[2];
  const startScript = read('deploy/start.sh');

  it('runs its final stage as a user that is not root', () => {
    expect(checkNonRoot(dockerfile)).toEqual([]);
    expect(checkNonRoot(dockerfile.replace(/^USER .*$/m, ''))).toEqual([
      'the final stage has no USER, so it runs as root',
    ]);
    expect(checkNonRoot(`${dockerfile}\nUSER root\n`)).toEqual(['the final stage runs as root']);
  });

  it('starts the file nest-cli.json builds for every APP the compose file uses', () => {
    const apps = allApps(interpolated(loadRaw()));
    expect(checkEntries(apps, startScript, nestCli, ROOT)).toEqual([]);
    expect(checkEntries(['billing', 'ingress-migrate'], startScript, nestCli, ROOT)).toEqual([
      'APP=billing: billing is no application in nest-cli.json',
      'APP=ingress-migrate: apps/ingress/src/migrate.ts does not exist',
    ]);
    const wrongLayout = startScript.replace('apps/$project/src/', 'src/');
    expect(checkEntries(['ingress'], wrongLayout, nestCli, ROOT)).toEqual([
      'APP=ingress: starts dist/apps/ingress/src/main.js, nest builds dist/apps/ingress/apps/ingress/src/main.js',
    ]);
  });

  it('copies the start script it runs', () => {
    expect(dockerfile).toMatch(/^COPY .*deploy\/start\.sh \.\/start\.sh$/m);
    expect(dockerfile).toMatch(/^CMD \["\.\/start\.sh"\]$/m);
  });
});
