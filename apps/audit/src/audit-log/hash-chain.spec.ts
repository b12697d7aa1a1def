import { auditRecord } from '../../test/audit-fixtures';
import {
  canonicalJson,
  canonicalRow,
  GENESIS_HASH,
  keyedRowHash,
  legacyChainHash,
} from './hash-chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('matches JSON.stringify of key-sorted values, undefined and non-finite numbers included', () => {
    const value = {
      s: 'a"\\u2028',
      n: [1e21, -0, NaN, undefined, true],
      u: undefined,
      e: {},
      l: [],
    };
    expect(canonicalJson(value)).toBe(
      '{"e":{},"l":[],"n":[1e+21,0,null,null,true],"s":' + JSON.stringify(value.s) + '}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('handles nesting 100,000 deep without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = i % 2 === 0 ? { a: deep } : [deep];
    const text = canonicalJson(deep);
    expect(text.length).toBe(100_000 * 2 + 50_000 * 4 + 1);
  });

  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ x: 'é', y: [1.5] })).toBe(canonicalJson({ y: [1.5], x: 'é' }));
  });
});

describe('canonicalRow', () => {
  it('is canonicalJson of exactly the record fields, with data and headers reusable', () => {
    const record = auditRecord({ subject: null, data: { b: [2, 1], a: { y: 1, x: null } } });
    const row = canonicalRow({ ...record, seq: '17' } as typeof record);
    expect(row.content).toBe(canonicalJson({ ...record, rawValue: undefined }));
    expect(row.dataJson).toBe('{"a":{"x":null,"y":1},"b":[2,1]}');
    expect(row.headersJson).toBe(canonicalJson(record.headers));
  });
});

describe('legacyChainHash', () => {
  const record = auditRecord({ eventId: '6f1c7d1e-0000-4000-8000-000000000001' });
  const hash = (previous: string, r: typeof record): string =>
    legacyChainHash(previous, canonicalRow(r).content);

  it('is a SHA-256 hex digest that depends on the previous hash', () => {
    const first = hash(GENESIS_HASH, record);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(first, record)).not.toBe(first);
  });

  it('changes when any field changes', () => {
    const base = hash(GENESIS_HASH, record);
    expect(hash(GENESIS_HASH, { ...record, retryCount: 1 })).not.toBe(base);
    expect(hash(GENESIS_HASH, { ...record, data: { Event: 'Other' } })).not.toBe(base);
    expect(hash(GENESIS_HASH, { ...record, offset: '1' })).not.toBe(base);
  });
});

describe('keyedRowHash', () => {
  const secret = Buffer.from('a-test-key-of-at-least-thirty-two-characters');
  const record = auditRecord({ eventId: '6f1c7d1e-0000-4000-8000-000000000002' });
  const hash = (r: typeof record, key = secret, keyId = 'k1', previous = GENESIS_HASH): string =>
    keyedRowHash(key, keyId, previous, r, canonicalJson(r.headers));

  it('is HMAC-SHA-256 hex that needs the key: SHA-256 over the same input differs', () => {
    const keyed = hash(record);
    expect(keyed).toMatch(/^[0-9a-f]{64}$/);
    expect(keyed).not.toBe(legacyChainHash(GENESIS_HASH, canonicalRow(record).content));
    expect(hash(record, Buffer.from('another-test-key-of-at-least-32-chars'))).not.toBe(keyed);
    expect(hash(record, secret, 'k2')).not.toBe(keyed);
    expect(hash(record, secret, 'k1', keyed)).not.toBe(keyed);
  });

  it('hashes the value bytes as consumed, so a re-spelled number is a different row', () => {
    const exact = { ...record, rawValue: '{"data":{"Amount":1.50}}' };
    expect(hash({ ...exact, rawValue: '{"data":{"Amount":1.5}}' })).not.toBe(hash(exact));
  });

  it('changes when any column but data changes', () => {
    const base = hash(record);
    expect(hash({ ...record, retryCount: 1 })).not.toBe(base);
    expect(hash({ ...record, offset: '1' })).not.toBe(base);
    expect(hash({ ...record, customerId: 'someone-else' })).not.toBe(base);
    expect(hash({ ...record, headers: { forged: 'yes' } })).not.toBe(base);
  });
});
