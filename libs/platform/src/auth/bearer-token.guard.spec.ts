import type { ExecutionContext } from '@nestjs/common';
import { UnauthorizedRequestError } from '../errors/request-errors';
import { BearerTokenGuard } from './bearer-token.guard';

const TOKEN = 'first-token-0123456789';

function context(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('BearerTokenGuard', () => {
  const guard = new BearerTokenGuard({
    tokens: [TOKEN, 'second-token-0123456789'],
    realm: 'audit',
  });

  it('lets a configured token through, any of them, case-insensitive scheme', () => {
    expect(guard.canActivate(context(`Bearer ${TOKEN}`))).toBe(true);
    expect(guard.canActivate(context('bearer second-token-0123456789'))).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer wrong-token-0123456789'],
    ['the token without the scheme', TOKEN],
    ['Basic credentials', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 10)}`],
  ])('refuses %s with a 401 error naming the realm', (_name, header) => {
    expect(() => guard.canActivate(context(header))).toThrow(UnauthorizedRequestError);
    try {
      guard.canActivate(context(header));
    } catch (error) {
      expect((error as UnauthorizedRequestError).realm).toBe('audit');
    }
  });

  it('fails closed: without configured tokens every call is refused, an empty bearer too', () => {
    const closed = new BearerTokenGuard({ tokens: [], realm: 'retention' });
    for (const header of [undefined, 'Bearer ', `Bearer ${TOKEN}`, 'Bearer undefined']) {
      expect(() => closed.canActivate(context(header))).toThrow(UnauthorizedRequestError);
    }
    const blank = new BearerTokenGuard({ tokens: [''], realm: 'retention' });
    expect(() => blank.canActivate(context('Bearer '))).toThrow(UnauthorizedRequestError);
  });
});
