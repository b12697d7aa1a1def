import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclResourceTypes } from 'kafkajs';
import { KAFKA_PRINCIPALS } from '@app/contracts';
import { KafkaLauncherError } from './launcher-error';
import {
  aclEntries,
  loadOrCreateScramCredentials,
  readScramCredentials,
  scramDigest,
  scramFormatArgs,
  validateScram,
} from './scram';

describe('SCRAM mode of the launcher', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scram-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a password per principal once, 0600, and reads the same ones back', () => {
    const file = join(dir, 'scram-credentials.env');
    const users = loadOrCreateScramCredentials(file);
    expect(Object.keys(users).sort()).toEqual([...KAFKA_PRINCIPALS].sort());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateScramCredentials(file)).toEqual(users);
    expect(readScramCredentials(file)).toEqual(users);
    expect(() => validateScram({ users })).not.toThrow();
  });

  it('refuses users without admin and passwords StorageTool or JAAS would misread', () => {
    expect(() => validateScram({ users: { ingress: 'long-enough-1' } })).toThrow(
      new KafkaLauncherError(
        'scram.users must include "admin", the super user the brokers and the launcher use',
      ),
    );
    expect(() => validateScram({ users: { admin: 'has,comma-in' } })).toThrow(
      /SCRAM password of "admin" must be 8\+ characters/,
    );
    expect(() => validateScram({ users: { admin: 'short' } })).toThrow(KafkaLauncherError);
    expect(() =>
      validateScram({ users: { admin: 'long-enough-1', 'a b': 'long-enough-2' } }),
    ).toThrow(/user name "a b"/);
  });

  it('formats one --add-scram per user and tells credential sets apart without storing them', () => {
    const scram = { users: { admin: 'secret-admin', audit: 'secret-audit' } };
    expect(scramFormatArgs(scram)).toEqual([
      '--add-scram',
      'SCRAM-SHA-512=[name=admin,password=secret-admin]',
      '--add-scram',
      'SCRAM-SHA-512=[name=audit,password=secret-audit]',
    ]);
    const digest = scramDigest(scram);
    expect(digest).not.toContain('secret');
    expect(scramDigest({ users: { audit: 'secret-audit', admin: 'secret-admin' } })).toBe(digest);
    expect(scramDigest({ users: { admin: 'secret-admin', audit: 'other-pass' } })).not.toBe(digest);
  });

  it('turns each granted operation into one literal ALLOW binding', () => {
    const entries = aclEntries([
      { principal: 'audit', resource: 'group', name: 'billwerk-audit', operations: ['READ'] },
      { principal: 'ingress', resource: 'topic', name: 't', operations: ['WRITE', 'CREATE'] },
    ]);
    expect(entries.map((e) => [e.principal, e.resourceType, e.resourceName, e.operation])).toEqual([
      ['User:audit', AclResourceTypes.GROUP, 'billwerk-audit', AclOperationTypes.READ],
      ['User:ingress', AclResourceTypes.TOPIC, 't', AclOperationTypes.WRITE],
      ['User:ingress', AclResourceTypes.TOPIC, 't', AclOperationTypes.CREATE],
    ]);
  });
});
