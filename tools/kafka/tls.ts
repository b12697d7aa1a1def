/**
 * The launcher's TLS mode: one self-signed certificate (made with the JDK's keytool, SAN
 * 127.0.0.1 and localhost) for every node of the run folder, in PKCS12 key and trust stores for the
 * brokers, and as a PEM file that Node clients trust (`ssl: { ca }`, `KAFKA_SSL_CA_FILE`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsFiles {
  dir: string;
  keystore: string;
  truststore: string;
  /** The certificate in PEM: the CA a client must trust. */
  caFile: string;
  passwordFile: string;
}

export function tlsFiles(runDir: string): TlsFiles {
  const dir = join(runDir, 'tls');
  return {
    dir,
    keystore: join(dir, 'keystore.p12'),
    truststore: join(dir, 'truststore.p12'),
    caFile: join(dir, 'ca.pem'),
    passwordFile: join(dir, 'store-password'),
  };
}

type Run = (command: string, what: string, args: string[]) => Promise<string>;

/** Makes the certificate and stores once per run folder; later starts reuse them. */
export async function ensureTlsMaterial(files: TlsFiles, run: Run): Promise<void> {
  if (existsSync(files.caFile) && existsSync(files.truststore)) return;
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(files.passwordFile, password, { mode: 0o600 });
  const store = ['-storetype', 'PKCS12', '-storepass', password];
  // Left over from an interrupted run: keytool refuses to add to a store with another password.
  for (const file of [files.keystore, files.truststore, files.caFile])
    rmSync(file, { force: true });
  await run('keytool', 'keytool -genkeypair', [
    '-genkeypair',
    '-alias',
    'kafka',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '3650',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-keystore',
    files.keystore,
    ...store,
    '-keypass',
    password,
  ]);
  await run('keytool', 'keytool -exportcert', [
    '-exportcert',
    '-rfc',
    '-alias',
    'kafka',
    '-keystore',
    files.keystore,
    ...store,
    '-file',
    files.caFile,
  ]);
  await run('keytool', 'keytool -importcert', [
    '-importcert',
    '-noprompt',
    '-alias',
    'kafka',
    '-file',
    files.caFile,
    '-keystore',
    files.truststore,
    ...store,
  ]);
}

function password(files: TlsFiles): string {
  return readFileSync(files.passwordFile, 'utf8').trim();
}

/** Broker settings: its key for the SSL listener, and trust of the same certificate between nodes. */
export function tlsServerSettings(files: TlsFiles): Record<string, string> {
  return {
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': files.keystore,
    'ssl.keystore.password': password(files),
    'ssl.key.password': password(files),
    ...tlsJavaClientSettings(files),
  };
}

/** A Java client's trust settings (the brokers among themselves, Kafka's tools). */
export function tlsJavaClientSettings(files: TlsFiles): Record<string, string> {
  return {
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': files.truststore,
    'ssl.truststore.password': password(files),
  };
}
