import {
  BillwerkInvalidResponseError,
  BillwerkRequestRejectedError,
  BillwerkUnauthorizedError,
} from './billwerk-api.errors';
import type { TokenResponse } from './billwerk-models';
import type { RetryingTransport } from './retrying-transport';

interface CachedToken {
  value: string;
  renewAt: number;
}

export interface TokenSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  renewalMarginMs: number;
  defaultLifetimeMs: number;
  now: () => number;
}

/**
 * OAuth2 client credentials against `POST /oauth/token/`. The token is cached until shortly before
 * it expires; concurrent callers share one token request.
 */
export class OAuthTokenProvider {
  private cached?: CachedToken;
  private pending?: Promise<string>;

  constructor(
    private readonly transport: RetryingTransport,
    private readonly settings: TokenSettings,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.settings.now() < this.cached.renewAt) return this.cached.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The API refused `token`: forget it, unless a newer one has replaced it meanwhile. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(
      `${this.settings.clientId}:${this.settings.clientSecret}`,
      'utf8',
    ).toString('base64');
    const answer = await this.transport.send({
      operation: 'token',
      method: 'POST',
      url: `${this.settings.baseUrl}/oauth/token/`,
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      // Asking for a token twice does no harm.
      idempotent: true,
    });
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      throw new BillwerkUnauthorizedError(
        'token',
        `client credentials were refused (HTTP ${answer.status})`,
        answer.status,
      );
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw new BillwerkRequestRejectedError('token', `HTTP ${answer.status}`, answer.status);
    }
    const body = parseToken(answer.text);
    const issuedAt = this.settings.now();
    const lifetime = lifetimeMs(body, issuedAt) ?? this.settings.defaultLifetimeMs;
    // A short-lived token is renewed at half its lifetime rather than never cached.
    const margin = Math.min(this.settings.renewalMarginMs, lifetime / 2);
    this.cached = { value: body.access_token, renewAt: issuedAt + lifetime - margin };
    return body.access_token;
  }
}

function parseToken(text: string): TokenResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BillwerkInvalidResponseError('token', 'token answer is not JSON');
  }
  const token = body as Partial<TokenResponse> | null;
  if (typeof token?.access_token !== 'string' || token.access_token === '') {
    throw new BillwerkInvalidResponseError('token', 'token answer has no access_token');
  }
  return token as TokenResponse;
}

/** `expires_in` (seconds), or `expires` as seconds or as an absolute date. */
function lifetimeMs(token: TokenResponse, now: number): number | undefined {
  if (typeof token.expires_in === 'number' && token.expires_in > 0) return token.expires_in * 1000;
  if (typeof token.expires === 'number' && token.expires > 0) return token.expires * 1000;
  if (typeof token.expires === 'string') {
    const at = Date.parse(token.expires);
    if (!Number.isNaN(at) && at > now) return at - now;
  }
  return undefined;
}
