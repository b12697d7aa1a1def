import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** Why a token request was refused, in OAuth2's words (RFC 6749 §5.2). */
export class TokenRequestError extends Error {
  constructor(
    readonly oauthError: 'invalid_client' | 'unsupported_grant_type' | 'invalid_request',
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

/** Issues and checks bearer tokens for one client id/secret, like billwerk's `/oauth/token/`. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  private readonly credential: Buffer;

  constructor(
    clientId: string,
    clientSecret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.credential = digest(`${clientId}:${clientSecret}`);
  }

  issue(authorization: string | undefined, grantType: unknown): IssuedToken {
    const presented = basicCredential(authorization);
    if (presented === undefined || !timingSafeEqual(digest(presented), this.credential)) {
      throw new TokenRequestError('invalid_client', 401, 'client authentication failed');
    }
    if (grantType === undefined) {
      throw new TokenRequestError('invalid_request', 400, 'grant_type is missing');
    }
    if (grantType !== 'client_credentials') {
      throw new TokenRequestError(
        'unsupported_grant_type',
        400,
        'only client_credentials is supported',
      );
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + this.ttlSeconds * 1000);
    return { access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds };
  }

  /** Whether `Authorization: Bearer <token>` names a live token this issuer gave out. */
  verify(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    const expiresAt = match ? this.tokens.get(match[1]) : undefined;
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  /** Makes every issued token invalid, as if it had expired: clients must fetch a new one. */
  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function basicCredential(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : undefined;
}
