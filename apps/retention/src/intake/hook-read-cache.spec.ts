import type { Contract } from '@app/billwerk-api';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { HookReadCache } from './hook-read-cache';

describe('HookReadCache', () => {
  let reads: string[];
  let now: number;
  let cache: HookReadCache;

  beforeEach(() => {
    reads = [];
    now = 0;
    const billwerk = {
      getContract: (id: string) => {
        reads.push(id);
        return Promise.resolve({ Id: id } as Contract);
      },
    } as unknown as BillwerkGateway;
    cache = new HookReadCache(billwerk, () => now);
  });

  it('reuses a hook’s reads when the same hook is handled again, for a few minutes', async () => {
    await cache.run('hook-1', () => cache.getContract('c'));
    await cache.run('hook-1', () => cache.getContract('c'));
    expect(reads).toEqual(['c']);
    now += 301_000;
    await cache.run('hook-1', () => cache.getContract('c'));
    expect(reads).toEqual(['c', 'c']);
  });

  it('never shares reads between hooks, and forgets a hook handled for good', async () => {
    await cache.run('hook-1', () => cache.getContract('c'));
    await cache.run('hook-2', () => cache.getContract('c'));
    cache.forget('hook-1');
    await cache.run('hook-1', () => cache.getContract('c'));
    await cache.getContract('c');
    expect(reads).toEqual(['c', 'c', 'c', 'c']);
  });
});
