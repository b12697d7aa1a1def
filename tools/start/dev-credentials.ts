import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DevCredentials {
  source: string;
  user: string;
  password: string;
  token: string;
  /** Bearer token for the audit and retention APIs. */
  apiToken: string;
}

/**
 * Credentials for the local stack, made once and kept in `.data/` (git ignores it) so a URL
 * registered in a billwerk sandbox keeps working across restarts.
 */
export function devCredentials(file: string): DevCredentials {
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevCredentials>)
    : {};
  if (stored.source && stored.user && stored.password && stored.token && stored.apiToken) {
    return stored as DevCredentials;
  }
  const credentials: DevCredentials = {
    source: 'sandbox',
    user: 'billwerk',
    password: randomBytes(12).toString('base64url'),
    token: randomBytes(18).toString('base64url'),
    apiToken: randomBytes(24).toString('base64url'),
    ...stored,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
