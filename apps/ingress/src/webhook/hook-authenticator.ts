import { hash, timingSafeEqual } from 'node:crypto';
import type { BasicCredential, PathToken } from '../config/ingress.config';

/** The source name hooks carry when the ingress runs open (development without credentials). */
export const OPEN_SOURCE = 'default';

interface Secret {
  source: string;
  digest: Buffer;
}

/** Equal-length digests make the comparison constant-time whatever the lengths presented. */
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Compares against every secret, whatever matches first, so timing reveals nothing. */
function match(secrets: readonly Secret[], candidate: string): string | undefined {
  const given = digest(candidate);
  let source: string | undefined;
  for (const secret of secrets) {
    if (timingSafeEqual(secret.digest, given) && source === undefined) source = secret.source;
  }
  return source;
}

export interface PresentedCredentials {
  authorization?: string;
  pathToken?: string;
}

/**
 * Maps a hook's credentials to the billwerk account ("source") they belong to. billwerk offers
 * HTTP Basic per hook URL, and a secret in the URL path works where Basic cannot be set.
 * Several credentials per source allow rotation without downtime.
 */
export class HookAuthenticator {
  private readonly basic: Secret[];
  private readonly tokens: Secret[];

  constructor(basic: readonly BasicCredential[], tokens: readonly PathToken[]) {
    this.basic = basic.map((c) => ({
      source: c.source,
      digest: digest(`${c.user}:${c.password}`),
    }));
    this.tokens = tokens.map((t) => ({ source: t.source, digest: digest(t.token) }));
  }

  /** No credential configured: every hook is accepted as source `default`. */
  get open(): boolean {
    return this.basic.length === 0 && this.tokens.length === 0;
  }

  get sources(): string[] {
    return [...new Set([...this.basic, ...this.tokens].map((secret) => secret.source))];
  }

  /** The source the credentials authenticate, or undefined when none is valid. */
  authenticate(presented: PresentedCredentials): string | undefined {
    if (this.open) return OPEN_SOURCE;
    if (presented.pathToken !== undefined) {
      const source = match(this.tokens, presented.pathToken);
      if (source !== undefined) return source;
    }
    const basic = parseBasic(presented.authorization);
    return basic === undefined ? undefined : match(this.basic, basic);
  }
}

function parseBasic(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, encoded] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}
