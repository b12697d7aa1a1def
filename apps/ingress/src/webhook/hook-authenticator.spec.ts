import { HookAuthenticator, OPEN_SOURCE } from './hook-authenticator';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('HookAuthenticator', () => {
  const authenticator = new HookAuthenticator(
    [
      { source: 'production', user: 'billwerk', password: 'old:secret' },
      { source: 'production', user: 'billwerk', password: 'new-secret' },
      { source: 'sandbox', user: 'sandbox-hooks', password: 'pw' },
    ],
    [
      { source: 'sandbox', token: 'tok-sandbox-1' },
      { source: 'production', token: 'tok-production-1' },
    ],
  );

  it('maps Basic credentials to their source, every rotated password included', () => {
    expect(authenticator.authenticate({ authorization: basic('billwerk', 'old:secret') })).toBe(
      'production',
    );
    expect(authenticator.authenticate({ authorization: basic('billwerk', 'new-secret') })).toBe(
      'production',
    );
    expect(authenticator.authenticate({ authorization: basic('sandbox-hooks', 'pw') })).toBe(
      'sandbox',
    );
  });

  it('maps a path token to its source', () => {
    expect(authenticator.authenticate({ pathToken: 'tok-sandbox-1' })).toBe('sandbox');
    expect(authenticator.authenticate({ pathToken: 'tok-production-1' })).toBe('production');
  });

  it.each([
    [{}],
    [{ authorization: basic('billwerk', 'wrong') }],
    [{ authorization: basic('sandbox-hooks', 'new-secret') }],
    [{ authorization: 'Bearer tok-sandbox-1' }],
    [{ authorization: 'Basic !!!' }],
    [{ pathToken: 'tok-sandbox-' }],
    [{ pathToken: 'tok-sandbox-12' }],
    [{ pathToken: '' }],
  ])('refuses %j', (presented) => {
    expect(authenticator.authenticate(presented)).toBeUndefined();
  });

  it('accepts valid Basic credentials even under a wrong path token', () => {
    expect(
      authenticator.authenticate({
        pathToken: 'nope',
        authorization: basic('sandbox-hooks', 'pw'),
      }),
    ).toBe('sandbox');
  });

  it('runs open only when nothing is configured', () => {
    expect(authenticator.open).toBe(false);
    const open = new HookAuthenticator([], []);
    expect(open.open).toBe(true);
    expect(open.authenticate({})).toBe(OPEN_SOURCE);
  });

  it('lists the configured sources', () => {
    expect(authenticator.sources.sort()).toEqual(['production', 'sandbox']);
  });
});
