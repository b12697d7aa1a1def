import { InvalidHookError, InvalidJsonBodyError } from './hook-errors';
import { parseHookJson } from './hook-json';
import { parseRetryCount } from './retry-count';
import { childTraceparent } from './trace-context';

describe('parseRetryCount', () => {
  it('is 0 on a first delivery and the header value on retries', () => {
    expect(parseRetryCount(undefined)).toBe(0);
    expect(parseRetryCount('1')).toBe(1);
    expect(parseRetryCount(['12'])).toBe(12);
  });

  it.each(['-1', 'two', '1.5', ''])('rejects %j naming the header', (value) => {
    expect(() => parseRetryCount(value)).toThrow(InvalidHookError);
    expect(() => parseRetryCount(value)).toThrow(/X-Retry-Count/);
  });
});

describe('childTraceparent', () => {
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it("continues the caller's trace with a span of its own", () => {
    const child = childTraceparent(incoming);
    expect(child).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(child).not.toBe(incoming);
  });

  it.each([undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'])(
    'starts a new trace for %j',
    (header) => {
      expect(childTraceparent(header)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(childTraceparent(header)).not.toContain('0000000000000000000000000000000');
    },
  );
});

describe('parseHookJson', () => {
  it('parses JSON', () => {
    expect(parseHookJson('{"Event":"X"}')).toEqual({ Event: 'X' });
  });

  it('counts depth outside strings only, up to the limit', () => {
    const nested = `${'['.repeat(63)}${']'.repeat(63)}`;
    expect(parseHookJson(`{"a":${nested},"b":"[[[{{{\\"[[["}`)).toMatchObject({ b: '[[[{{{"[[[' });
  });

  it.each([
    ['', /empty/],
    ['{"Event":"ContractCancelled",}', /not valid JSON/],
    ['{"Event":', /not valid JSON/],
    ['{"a":{"__proto__":{"x":1}}}', /__proto__/],
    ['{"\\u005f_proto__":{}}', /__proto__/],
    [`{"a":${'['.repeat(65)}${']'.repeat(65)}}`, /nested deeper than 64 levels/],
    ['['.repeat(1000), /nested deeper than 64 levels/],
  ])('rejects %j', (text, message) => {
    expect(() => parseHookJson(text)).toThrow(InvalidJsonBodyError);
    expect(() => parseHookJson(text)).toThrow(message);
  });
});

describe('childTraceparent ids', () => {
  it('draws a fresh span and trace id every time, across refills of the entropy pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const [, trace, span] = childTraceparent(undefined).split('-');
      seen.add(trace);
      seen.add(span);
    }
    expect(seen.size).toBe(1000);
  });
});
