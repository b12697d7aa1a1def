import { resolveBillwerkBaseUrl } from './billwerk-api.options';
import { backoffDelay, parseRetryAfter } from './retry-policy';

describe('resolveBillwerkBaseUrl', () => {
  it.each([
    ['sandbox', 'https://sandbox.billwerk.com'],
    ['production', 'https://app.billwerk.com'],
    ['http://127.0.0.1:3003/', 'http://127.0.0.1:3003'],
  ])('resolves %s', (given, expected) => {
    expect(resolveBillwerkBaseUrl(given)).toBe(expected);
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => resolveBillwerkBaseUrl('ftp://billwerk.example')).toThrow(TypeError);
    expect(() => resolveBillwerkBaseUrl('staging')).toThrow(TypeError);
  });
});

describe('retry policy', () => {
  const options = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('draws the backoff below a doubling, capped ceiling', () => {
    expect([0, 1, 2, 3, 4].map((retry) => backoffDelay(retry, options, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
