/**
 * The launcher's SCRAM mode: SASL/SCRAM-SHA-512 on the client listener with users created at
 * storage format time, Kafka's StandardAuthorizer, `admin` as the super user (inter-broker traffic
 * included), and the ACLs of libs/contracts/src/kafka-acls.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
  type SASLOptions,
} from 'kafkajs';
import { KAFKA_ACLS, KAFKA_PRINCIPALS, KAFKA_SUPER_USER, type KafkaAclGrant } from '@app/contracts';
import { KafkaLauncherError } from './launcher-error';

export interface ScramOptions {
  /** username → password; must include the super user `admin`. */
  users: Record<string, string>;
}

const MECHANISM = 'SCRAM-SHA-512';
/** Safe in StorageTool's `[name=…,password=…]` and inside a quoted JAAS option. */
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
const SAFE_PASSWORD = /^[A-Za-z0-9._~+/-]{8,}$/;

export function validateScram(scram: ScramOptions): void {
  if (!(KAFKA_SUPER_USER in scram.users)) {
    throw new KafkaLauncherError(
      `scram.users must include "${KAFKA_SUPER_USER}", the super user the brokers and the launcher use`,
    );
  }
  for (const [name, password] of Object.entries(scram.users)) {
    if (!SAFE_NAME.test(name)) {
      throw new KafkaLauncherError(`SCRAM user name "${name}" must match ${String(SAFE_NAME)}`);
    }
    if (!SAFE_PASSWORD.test(password)) {
      throw new KafkaLauncherError(
        `SCRAM password of "${name}" must be 8+ characters of A-Z a-z 0-9 . _ ~ + / -`,
      );
    }
  }
}

/** Identifies the users and passwords the storage was formatted with, without storing them. */
export function scramDigest(scram: ScramOptions): string {
  const users = Object.entries(scram.users).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(users)).digest('hex');
}

/** StorageTool format arguments creating every user's SCRAM credentials in the metadata log. */
export function scramFormatArgs(scram: ScramOptions): string[] {
  return Object.entries(scram.users).flatMap(([name, password]) => [
    '--add-scram',
    `${MECHANISM}=[name=${name},password=${password}]`,
  ]);
}

/**
 * Broker settings for SCRAM mode. The controller listener authenticates with PLAIN against a
 * static JAAS user: SCRAM credentials live in the metadata log, which controllers serve rather
 * than read before they authenticate, so Kafka does not support SCRAM there.
 */
export function scramServerSettings(
  scram: ScramOptions,
  listener: 'SASL_PLAINTEXT' | 'SASL_SSL',
): Record<string, string> {
  const password = scram.users[KAFKA_SUPER_USER];
  return {
    'listener.security.protocol.map': `CONTROLLER:SASL_PLAINTEXT,${listener}:${listener}`,
    'inter.broker.listener.name': listener,
    'sasl.enabled.mechanisms': MECHANISM,
    'sasl.mechanism.inter.broker.protocol': MECHANISM,
    [`listener.name.${listener.toLowerCase()}.scram-sha-512.sasl.jaas.config`]: `org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_SUPER_USER}" password="${password}";`,
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_SUPER_USER}" password="${password}" user_${KAFKA_SUPER_USER}="${password}";`,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${KAFKA_SUPER_USER}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}

/** The KafkaJS client settings of a user. */
export function clientSasl(scram: ScramOptions, user: string = KAFKA_SUPER_USER): SASLOptions {
  const password = scram.users[user];
  if (password === undefined) throw new KafkaLauncherError(`no SCRAM user "${user}"`);
  return { mechanism: 'scram-sha-512', username: user, password };
}

/** A Java client's settings (`--command-config`) for Kafka's tools, as the super user. */
export function javaClientSettings(
  scram: ScramOptions,
  protocol: 'SASL_PLAINTEXT' | 'SASL_SSL',
): Record<string, string> {
  return {
    'security.protocol': protocol,
    'sasl.mechanism': MECHANISM,
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_SUPER_USER}" password="${scram.users[KAFKA_SUPER_USER]}";`,
  };
}

const OPERATIONS = {
  READ: AclOperationTypes.READ,
  WRITE: AclOperationTypes.WRITE,
  CREATE: AclOperationTypes.CREATE,
} as const;

export function aclEntries(grants: readonly KafkaAclGrant[] = KAFKA_ACLS): AclEntry[] {
  return grants.flatMap((grant) =>
    grant.operations.map((operation) => ({
      resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: grant.name,
      resourcePatternType: grant.prefixed
        ? ResourcePatternTypes.PREFIXED
        : ResourcePatternTypes.LITERAL,
      principal: `User:${grant.principal}`,
      host: '*',
      operation: OPERATIONS[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Creates the ACL bindings (creating an existing one changes nothing). */
export async function applyAcls(admin: Admin, acl: AclEntry[] = aclEntries()): Promise<void> {
  await admin.createAcls({ acl });
}

/** How many of the ACL bindings this broker already applies. */
export async function appliedAcls(admin: Admin): Promise<number> {
  const { resources } = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return resources.reduce((sum, resource) => sum + resource.acls.length, 0);
}

/**
 * Topics a principal reads but may not create: the launcher creates them, so a consumer that
 * starts before their writer finds them (its own start-up `ensureTopics` could not create them).
 */
export function topicsReadButNotCreated(grants: readonly KafkaAclGrant[] = KAFKA_ACLS): string[] {
  const topics = grants.filter(
    (g) =>
      g.resource === 'topic' && g.operations.includes('READ') && !g.operations.includes('CREATE'),
  );
  return [...new Set(topics.map((g) => g.name))];
}

const ENV_LINE = /^KAFKA_SASL_(USERNAME|PASSWORD)=(.*)$/;

/** Reads a credentials file written by `loadOrCreateScramCredentials`. */
export function readScramCredentials(file: string): Record<string, string> {
  const users: Record<string, string> = {};
  let user: string | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = ENV_LINE.exec(line.trim());
    if (match?.[1] === 'USERNAME') user = match[2];
    else if (match?.[1] === 'PASSWORD' && user !== undefined) users[user] = match[2];
  }
  return users;
}

/**
 * The users of `kafka:start --scram`: the passwords in `file` when it exists (so a restart keeps
 * the credentials the storage was formatted with), otherwise a fresh random password per
 * principal, written there (mode 0600) as one block of KAFKA_SASL_* settings per principal.
 */
export function loadOrCreateScramCredentials(file: string): Record<string, string> {
  if (existsSync(file)) {
    const users = readScramCredentials(file);
    const missing = KAFKA_PRINCIPALS.filter((principal) => !(principal in users));
    if (missing.length > 0) {
      throw new KafkaLauncherError(`${file} has no password for ${missing.join(', ')}`);
    }
    return users;
  }
  const users = Object.fromEntries(
    KAFKA_PRINCIPALS.map((principal) => [principal, randomBytes(18).toString('base64url')]),
  );
  const blocks = KAFKA_PRINCIPALS.map((principal) =>
    [
      `# ${principal}`,
      'KAFKA_SASL_MECHANISM=scram-sha-512',
      `KAFKA_SASL_USERNAME=${principal}`,
      `KAFKA_SASL_PASSWORD=${users[principal]}`,
    ].join('\n'),
  );
  writeFileSync(file, `${blocks.join('\n\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return users;
}
