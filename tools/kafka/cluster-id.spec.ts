import { newClusterId } from './local-kafka';

describe('newClusterId', () => {
  it('is 16 random bytes in base64url, the form StorageTool expects', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('draws again when the id would start with "-", which StorageTool would read as an option', () => {
    // 0xf8 puts 62 in the first six bits, and 62 is '-' in base64url.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x10)];
    const random = jest.fn((size: number) => {
      const next = draws.shift();
      if (next === undefined || next.length !== size) throw new Error('unexpected draw');
      return next;
    });
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(newClusterId(random)).toBe(Buffer.alloc(16, 0x10).toString('base64url'));
    expect(random).toHaveBeenCalledTimes(2);
  });
});
