import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_CHECKPOINTS_TOPIC,
  AUDIT_CHECKPOINTS_TOPIC_CONFIG,
  AUDIT_DLQ_TOPIC,
  BILLWERK_TOPICS,
  KAFKA_ACLS,
  RETENTION_ACTIONS_TOPIC,
  RETENTION_DLQ_TOPIC,
} from '@app/contracts';
import { parse } from 'yaml';
import {
  AuditDatabaseEnvironment,
  AuditEnvironment,
  loadAuditConfig,
  loadAuditDatabaseConfig,
} from '../../apps/audit/src/config/audit.config';
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
  aclGrants,
  checkKafkaPortsOnLoopback,
  mergeCompose,
  topicsIn,
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
  KAFKA_ADMIN_PASSWORD: 'compose-test-kafka-admin',
  KAFKA_INGRESS_PASSWORD: 'compose-test-kafka-ingress',
  KAFKA_REPLAY_PASSWORD: 'compose-test-kafka-replay',
  KAFKA_AUDIT_PASSWORD: 'compose-test-kafka-audit',
  KAFKA_RETENTION_PASSWORD: 'compose-test-kafka-retention',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-grafana-admin',
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

function loadRaw(file = 'docker-compose.yml'): ComposeFile {
  return parse(read(file), { merge: true }) as ComposeFile;
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

/** The base file alone and with each override, as an operator runs them. */
const VARIANTS: string[][] = [
  ['docker-compose.yml'],
  ['docker-compose.yml', 'docker-compose.scram.yml'],
  ['docker-compose.yml', 'docker-compose.cluster.yml'],
  ['docker-compose.yml', 'docker-compose.observability.yml'],
];

/** The base file merged with an override, interpolated with the test values. */
function variant(override: string): ComposeFile {
  return interpolated(mergeCompose(loadRaw(), loadRaw(override)));
}

interface ComposeConfig {
  ok: boolean;
  error?: string;
  /** What docker-compose makes of the files: the merge the offline checks imitate. */
  config?: ComposeFile;
}

function hasDockerCompose(): boolean {
  try {
    execFileSync('docker-compose', ['version', '--short'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The specs that ask Debian's docker-compose itself (`.ci/run` installs it; `apt-get install
 * docker-compose`). Without it they are reported as skipped, never passed; the offline checks
 * below do not need it.
 */
const itWithDockerCompose = hasDockerCompose() ? it : it.skip;

const configs = new Map<string, ComposeConfig>();

/** `docker-compose -f … config`, remembered per call: each run takes seconds on this machine. */
function dockerComposeConfig(
  files: string[],
  env: Record<string, string | undefined> = {},
): ComposeConfig {
  const key = JSON.stringify([files, Object.entries(env)]); // entries: an unset variable counts
  let config = configs.get(key);
  if (config === undefined) {
    config = runDockerComposeConfig(files, env);
    configs.set(key, config);
  }
  return config;
}

function runDockerComposeConfig(
  files: string[],
  env: Record<string, string | undefined>,
): ComposeConfig {
  try {
    const output = execFileSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...REQUIRED, ...env },
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { ok: true, config: parse(output) as ComposeFile };
  } catch (error) {
    return { ok: false, error: String((error as { stderr?: unknown }).stderr ?? error) };
  }
}

/** The checks every variant must pass as the base file does. */
function variantProblems(compose: ComposeFile): string[] {
  return [
    ...checkAppEnvironments(compose, ENTRIES),
    ...checkDependencies(compose),
    ...checkVolumes(compose),
    ...checkKafkaPortsOnLoopback(compose),
  ];
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
    expect(compose.services['init-topics'].entrypoint).toEqual([
      'bash',
      '/opt/bridge-kafka/init-topics.sh',
    ]);
    const script = read('deploy/kafka/init-topics.sh');
    expect(new Set(topicsIn(script))).toEqual(
      new Set([
        ...BILLWERK_TOPICS,
        RETENTION_ACTIONS_TOPIC,
        AUDIT_DLQ_TOPIC,
        RETENTION_DLQ_TOPIC,
        AUDIT_CHECKPOINTS_TOPIC,
      ]),
    );
    // The audit app would create it so; under SCRAM it may not, so the step must.
    const checkpoints = new RegExp(`^create ${AUDIT_CHECKPOINTS_TOPIC} 1 (.*)$`, 'm').exec(
      script.replace(/\\\n\s*/g, ' '),
    );
    expect(
      Object.fromEntries(
        [...(checkpoints?.[1] ?? '').matchAll(/--config (\S+)=(\S+)/g)].map((m) => [m[1], m[2]]),
      ),
    ).toEqual(AUDIT_CHECKPOINTS_TOPIC_CONFIG);
  });

  it('publishes the PLAINTEXT broker on the loopback interface only', () => {
    expect(compose.services.kafka.ports).toEqual(['127.0.0.1:9092:9092']);
    expect(checkKafkaPortsOnLoopback(compose)).toEqual([]);
    const broken = mutated((c) => {
      c.services.kafka.ports = ['9092:9092'];
    });
    expect(checkKafkaPortsOnLoopback(broken)).toEqual([
      'kafka: publishes 9092:9092 on every interface, not 127.0.0.1',
    ]);
  });

  it('keeps Kafka’s data on the kafka-data volume', () => {
    expect(compose.services.kafka.environment?.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
    expect(compose.services.kafka.volumes).toContain('kafka-data:/var/lib/kafka/data');
  });

  itWithDockerCompose.each(VARIANTS.map((files) => [files.join(' + '), files]))(
    'passes docker-compose config for %s',
    (_, files) => {
      expect(dockerComposeConfig(files)).toMatchObject({ ok: true });
    },
  );

  itWithDockerCompose('fails docker-compose config without a required variable', () => {
    for (const variable of ['POSTGRES_PASSWORD', 'AUDIT_OWNER_PASSWORD', 'AUDIT_APP_PASSWORD']) {
      const config = dockerComposeConfig(['docker-compose.yml'], { [variable]: undefined });
      expect(config).toMatchObject({ ok: false });
      expect(config.error).toMatch(new RegExp(variable));
    }
  });

  itWithDockerCompose(
    'gives the owner’s database URL to the migration step only, the app’s to the app only',
    () => {
      const resolved = dockerComposeConfig(['docker-compose.yml']).config;
      expect(resolved).toBeDefined();
      const urls = Object.entries(resolved?.services ?? {}).flatMap(([name, service]) =>
        Object.entries(service.environment ?? {})
          .filter(
            ([, value]) => typeof value === 'string' && value.includes('@postgres:5432/audit'),
          )
          .map(([key, value]) => `${name} ${key} ${String(value)}`),
      );
      expect(urls.sort()).toEqual([
        `audit DATABASE_URL postgres://audit_app:${REQUIRED.AUDIT_APP_PASSWORD}@postgres:5432/audit`,
        `init-audit AUDIT_MIGRATION_DATABASE_URL postgres://audit_owner:${REQUIRED.AUDIT_OWNER_PASSWORD}@postgres:5432/audit`,
      ]);
    },
  );
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

const KAFKA_APPS = { ingress: 'ingress', audit: 'audit', retention: 'retention' } as const;

describe('docker-compose.scram.yml', () => {
  const raw = loadRaw('docker-compose.scram.yml');
  const compose = variant('docker-compose.scram.yml');
  const kafkaEnv = compose.services.kafka.environment ?? {};

  it('passes every app check the base file passes', () => {
    expect(variantProblems(compose)).toEqual([]);
    expect(checkNoHardCodedSecrets(raw)).toEqual([]);
  });

  it('lets each app authenticate as its own principal with a required password', () => {
    for (const [service, principal] of Object.entries(KAFKA_APPS)) {
      expect(raw.services[service].environment).toEqual({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: principal,
        KAFKA_SASL_PASSWORD: expect.stringMatching(/^\$\{KAFKA_[A-Z]+_PASSWORD:\?[^}]+\}$/),
      });
      const config = ENTRIES[service].load(
        compose.services[service].environment as Record<string, string>,
      ) as { kafka: { security: unknown } };
      expect(config.kafka.security).toEqual({
        sasl: {
          mechanism: 'scram-sha-512',
          username: principal,
          password: REQUIRED[`KAFKA_${principal.toUpperCase()}_PASSWORD`],
        },
      });
    }
  });

  it('serves clients over SASL only; the PLAINTEXT controller listens on loopback', () => {
    const protocols = Object.fromEntries(
      String(kafkaEnv.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)
        .split(',')
        .map((entry) => entry.split(':')),
    );
    const listeners = String(kafkaEnv.KAFKA_LISTENERS).split(',');
    for (const listener of listeners) {
      const [name, address] = listener.split('://');
      if (name === 'CONTROLLER') expect(address).toMatch(/^127\.0\.0\.1:/);
      else expect(protocols[name]).toBe('SASL_PLAINTEXT');
    }
    expect(kafkaEnv.KAFKA_AUTHORIZER_CLASS_NAME).toBe(
      'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    );
    expect(kafkaEnv.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND).toBe('false');
  });

  it('formats the storage with exactly the settings the broker runs with', () => {
    const storageEnv = compose.services['init-kafka-storage'].environment ?? {};
    for (const [key, value] of Object.entries(storageEnv)) {
      if (key.startsWith('KAFKA_') || key === 'CLUSTER_ID')
        expect([key, kafkaEnv[key]]).toEqual([key, value]);
    }
    expect(compose.services['init-kafka-storage'].volumes).toContain(
      'kafka-data:/var/lib/kafka/data',
    );
    expect(compose.services.kafka.depends_on?.['init-kafka-storage']).toEqual({
      condition: 'service_completed_successfully',
    });
  });

  it('provisions principals and ACLs before topics, and topics before the apps', () => {
    expect(compose.services['init-topics'].depends_on?.['init-kafka-acls']).toEqual({
      condition: 'service_completed_successfully',
    });
    for (const service of Object.keys(KAFKA_APPS)) {
      expect(compose.services[service].depends_on?.['init-topics']).toBeDefined();
    }
  });

  it('grants exactly the shared ACL table (KAFKA_ACLS), literal and prefixed', () => {
    const grants = aclGrants(read('deploy/kafka/init-acls.sh'));
    const lines = (
      entries: ReadonlyArray<{
        principal: string;
        resource: string;
        name: string;
        operations: readonly string[];
        prefixed?: boolean;
      }>,
    ) =>
      entries
        .flatMap((e) =>
          e.operations.map(
            (op) =>
              `${e.principal} ${op.toUpperCase()} ${e.resource} ${e.name}${e.prefixed ? '*' : ''}`,
          ),
        )
        .sort();
    expect(
      lines(
        grants.flatMap((g) => [
          ...g.topics.map((name) => ({ ...g, resource: 'topic', name })),
          ...g.groups.map((name) => ({ ...g, resource: 'group', name })),
        ]),
      ),
    ).toEqual(lines(KAFKA_ACLS));
    expect(lines(KAFKA_ACLS)).toContain('audit READ group billwerk-audit.checkpoint-reader.*');
    const writers = KAFKA_ACLS.filter(
      (g) =>
        g.operations.includes('WRITE') && (BILLWERK_TOPICS as readonly string[]).includes(g.name),
    );
    expect(new Set(writers.map((g) => g.principal))).toEqual(new Set(['ingress', 'replay']));
  });
});

describe('docker-compose.cluster.yml', () => {
  const compose = variant('docker-compose.cluster.yml');
  const nodes = ['kafka', 'kafka-2', 'kafka-3'];

  it('passes every app check the base file passes', () => {
    expect(variantProblems(compose)).toEqual([]);
  });

  it('runs three KRaft voters, each broker and controller, on volumes of their own', () => {
    const envs = nodes.map((node) => compose.services[node].environment ?? {});
    expect(envs.map((env) => String(env.KAFKA_NODE_ID))).toEqual(['1', '2', '3']);
    for (const env of envs) {
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093');
    }
    expect(new Set(nodes.map((node) => compose.services[node].volumes?.[0]))).toEqual(
      new Set([
        'kafka-data:/var/lib/kafka/data',
        'kafka-data-2:/var/lib/kafka/data',
        'kafka-data-3:/var/lib/kafka/data',
      ]),
    );
  });

  it('replicates every topic three times with min ISR 2 and unclean election off', () => {
    for (const node of nodes) {
      expect(compose.services[node].environment).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: 3,
        KAFKA_MIN_INSYNC_REPLICAS: 2,
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3,
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 3,
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 2,
        KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
      });
    }
    expect(compose.services['init-topics'].environment).toMatchObject({
      KAFKA_REPLICATION_FACTOR: '3',
    });
    const brokers = 'kafka:19092,kafka-2:19092,kafka-3:19092';
    for (const service of ['init-topics', ...Object.keys(KAFKA_APPS)]) {
      expect(compose.services[service].environment).toMatchObject({ KAFKA_BROKERS: brokers });
    }
    for (const node of ['kafka-2', 'kafka-3']) {
      expect(compose.services['init-topics'].depends_on?.[node]).toEqual({
        condition: 'service_healthy',
      });
    }
  });
});

describe('docker-compose.observability.yml', () => {
  const raw = loadRaw('docker-compose.observability.yml');
  const compose = variant('docker-compose.observability.yml');
  const scrape = parse(read('deploy/prometheus/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: { uid: string; url: string }[];
  };
  const providers = parse(read('deploy/grafana/provisioning/dashboards/billwerk-bridge.yml')) as {
    providers: { options: { path: string } }[];
  };

  it('passes every check the base file passes, adding only prometheus and grafana', () => {
    expect(variantProblems(compose)).toEqual([]);
    expect(checkNoHardCodedSecrets(raw)).toEqual([]);
    expect(Object.keys(raw.services).sort()).toEqual(['grafana', 'prometheus']);
    expect(compose.services.prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(compose.services.grafana.ports).toEqual(['127.0.0.1:3030:3000']);
  });

  it('scrapes each app as its job, at the port its config listens on', () => {
    const targets = Object.fromEntries(
      scrape.scrape_configs.map((job) => [job.job_name, job.static_configs[0].targets]),
    );
    expect(Object.keys(targets).sort()).toEqual(['audit', 'ingress', 'retention']);
    for (const [job, [target]] of Object.entries(targets)) {
      const [service, port] = target.split(':');
      const env = Object.fromEntries(
        Object.entries(compose.services[service].environment ?? {})
          .filter(([, value]) => value !== null && value !== undefined) // passed through when set
          .map(([key, value]) => [key, String(value)]),
      );
      const entry = ENTRIES[appOf(compose.services[service]) ?? ''];
      expect([job, service, Number(port)]).toEqual([job, job, entry.port?.(entry.load(env))]);
    }
  });

  it('mounts the rules Prometheus loads and the dashboards Grafana provisions', () => {
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(compose.services.prometheus.command).toContain(
      '--config.file=/etc/prometheus/prometheus.yml',
    );
    expect(scrape.rule_files).toEqual(['rules/*.rules.yml']);
    expect(compose.services.grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        `./deploy/grafana/dashboards:${providers.providers[0].options.path}:ro`,
      ]),
    );
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/billwerk-bridge.json')) as {
      panels: { type: string; datasource?: { uid: string } }[];
    };
    const uids = dashboard.panels.flatMap((panel) => panel.datasource?.uid ?? []);
    expect(uids.length).toBeGreaterThan(0);
    expect(new Set(uids)).toEqual(new Set(['prometheus']));
  });
});

describe('mergeCompose', () => {
  itWithDockerCompose.each(VARIANTS.slice(1).map(([, override]) => override))(
    'merges %s into the base file like docker-compose does',
    (override) => {
      const merged = dockerComposeConfig(['docker-compose.yml', override]).config;
      expect(merged).toBeDefined();
      const ours = variant(override);
      for (const [name, service] of Object.entries(merged?.services ?? {})) {
        const env = Object.fromEntries(
          Object.entries(ours.services[name].environment ?? {}).map(([k, v]) => [k, String(v)]),
        );
        expect([name, env]).toEqual([
          name,
          Object.fromEntries(
            Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        ]);
        expect([name, Object.keys(ours.services[name].depends_on ?? {}).sort()]).toEqual([
          name,
          Object.keys(service.depends_on ?? {}).sort(),
        ]);
      }
    },
  );
});
