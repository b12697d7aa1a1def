import { FaultInjector } from './fault-injector';

describe('FaultInjector', () => {
  it('hits the given number of requests in scope, then lets them through', () => {
    const faults = new FaultInjector();
    faults.add({ status: 503, count: 2, scope: 'api' });
    expect(faults.take('token')).toBeUndefined();
    expect(faults.take('api')).toMatchObject({ status: 503 });
    expect(faults.list()).toMatchObject([{ remaining: 1 }]);
    expect(faults.take('api')).toMatchObject({ status: 503 });
    expect(faults.take('api')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('uses faults up in the order they were added; `all` hits both scopes', () => {
    const faults = new FaultInjector();
    faults.add({ status: 429, retryAfterSeconds: 2, count: 1, scope: 'all' });
    faults.add({ delayMs: 500, count: 1, scope: 'api' });
    expect(faults.take('token')).toMatchObject({ status: 429, retryAfterSeconds: 2 });
    expect(faults.take('api')).toMatchObject({ delayMs: 500 });
    expect(faults.take('api')).toBeUndefined();
  });

  it('clears every fault', () => {
    const faults = new FaultInjector();
    faults.add({ status: 500, count: 10, scope: 'api' });
    faults.clear();
    expect(faults.take('api')).toBeUndefined();
  });
});
