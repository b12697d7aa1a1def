import { TokenIssuer, TokenRequestError } from './token-issuer';

const basic = (credential: string): string => `Basic ${Buffer.from(credential).toString('base64')}`;

describe('TokenIssuer', () => {
  let now: number;
  let issuer: TokenIssuer;

  beforeEach(() => {
    now = 1_000_000;
    issuer = new TokenIssuer('client', 'secret', 60, () => now);
  });

  it('issues a bearer token for the right client credentials and accepts it until it expires', () => {
    const token = issuer.issue(basic('client:secret'), 'client_credentials');
    expect(token).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 60,
    });
    expect(issuer.verify(`Bearer ${token.access_token}`)).toBe(true);
    now += 59_999;
    expect(issuer.verify(`Bearer ${token.access_token}`)).toBe(true);
    now += 1;
    expect(issuer.verify(`Bearer ${token.access_token}`)).toBe(false);
  });

  it.each([
    ['a wrong secret', basic('client:wrong'), 'client_credentials', 'invalid_client', 401],
    ['no credentials', undefined, 'client_credentials', 'invalid_client', 401],
    ['another grant type', basic('client:secret'), 'password', 'unsupported_grant_type', 400],
    ['no grant type', basic('client:secret'), undefined, 'invalid_request', 400],
  ])('refuses %s', (_label, authorization, grant, oauthError, status) => {
    let error: unknown;
    try {
      issuer.issue(authorization, grant);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ oauthError, status });
  });

  it('refuses tokens it did not issue and those revoked', () => {
    expect(issuer.verify('Bearer forged')).toBe(false);
    expect(issuer.verify(undefined)).toBe(false);
    const token = issuer.issue(basic('client:secret'), 'client_credentials');
    expect(issuer.revokeAll()).toBe(1);
    expect(issuer.verify(`Bearer ${token.access_token}`)).toBe(false);
  });
});
