import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The configured bearer tokens; several allow rotation without downtime. None configured accepts
 * nothing: an API without tokens is closed, never open.
 */
export class BearerTokens {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.filter((token) => token !== '').map(digest);
  }

  get none(): boolean {
    return this.digests.length === 0;
  }

  /** Whether an `Authorization` header carries a configured token; timing reveals nothing. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    // Comparing digests keeps each comparison constant-time whatever the lengths.
    const given = digest(match[1]);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, given) || found;
    return found;
  }
}
