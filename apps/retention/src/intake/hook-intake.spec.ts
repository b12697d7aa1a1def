import { BillwerkRequestRejectedError, BillwerkUnavailableError } from '@app/billwerk-api';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { openRetentionStore, type RetentionStore } from '../persistence/retention-store';
import type { IncomingHook } from '../workflow/hook';
import type { WorkflowEngine } from '../workflow/workflow-engine';
import { cloudEventJson } from '../../../../test/fixtures/cloud-events';
import { HookIntake, type ConsumedMessage } from './hook-intake';

let offset = 0;
function message(event: string, body: Record<string, unknown> = {}): ConsumedMessage {
  offset += 1;
  return {
    topic: 'billwerk.contract.v1',
    partition: 0,
    offset: String(offset),
    key: 'k',
    value: cloudEventJson(event, body, `e${offset}`),
    headers: { ce_type: `billwerk.${event}` },
  };
}

/** An engine whose answer the test sets; it records what it was asked. */
class ScriptedEngine {
  readonly seen: string[] = [];
  failure: Error | undefined;
  handle(hook: IncomingHook) {
    this.seen.push(hook.event);
    if (this.failure) return Promise.reject(this.failure);
    return Promise.resolve(
      hook.event === 'PlanCreated'
        ? { relevant: false as const }
        : { relevant: true as const, summary: 'decided' },
    );
  }
}

describe('HookIntake', () => {
  let store: RetentionStore;
  let engine: ScriptedEngine;
  let dead: Array<{ offset: string; code: string }>;
  let now: number;
  let intake: HookIntake;

  beforeEach(async () => {
    store = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    engine = new ScriptedEngine();
    dead = [];
    now = Date.parse('2026-11-25T12:00:00Z');
    intake = new HookIntake(
      engine as unknown as WorkflowEngine,
      store,
      (m, code) => {
        dead.push({ offset: m.offset, code });
        return Promise.resolve();
      },
      { retryBaseMs: 1000, maxAttempts: 3 },
      pino({ level: 'silent' }),
      () => new Date(now),
    );
  });

  afterEach(() => store.close());

  it('parks on a billwerk outage, then parks further hooks without asking billwerk', async () => {
    engine.failure = new BillwerkUnavailableError('getContract', 'HTTP 503');
    expect(await intake.process(message('ContractCancelled'))).toMatchObject({ outcome: 'parked' });
    expect(await intake.process(message('ContractChanged'))).toMatchObject({ outcome: 'parked' });
    expect(engine.seen).toEqual(['ContractCancelled']);
    // Hooks that need no billwerk state are still handled.
    engine.failure = undefined;
    expect(await intake.process(message('PlanCreated'))).toEqual({ outcome: 'ignored' });
    expect(await store.parkedHooks.count()).toBe(2);
  });

  it('retries parked hooks when due and lifts the pause on the first success', async () => {
    engine.failure = new BillwerkUnavailableError('getContract', 'HTTP 503');
    await intake.process(message('ContractCancelled'));
    await intake.process(message('TrialEndApproaching'));
    expect(await intake.retryParked()).toEqual({ processed: 0, parked: 0, deadLettered: 0 });

    now += 1000;
    // Still down: the first due hook probes, the rest wait for the next round.
    expect(await intake.retryParked()).toEqual({ processed: 0, parked: 1, deadLettered: 0 });

    engine.failure = undefined;
    now += 2000;
    expect(await intake.retryParked()).toEqual({ processed: 2, parked: 0, deadLettered: 0 });
    expect(await store.parkedHooks.count()).toBe(0);
    expect(await intake.process(message('ContractChanged'))).toEqual({
      outcome: 'processed',
      summary: 'decided',
    });
  });

  it('dead-letters a permanent refusal, an unusable message, and a hook parked too often', async () => {
    engine.failure = new BillwerkRequestRejectedError('getPaymentTransaction', 'HTTP 422', 422);
    const rejected = message('PaymentFailed');
    expect(await intake.process(rejected)).toMatchObject({ outcome: 'dead-lettered' });
    const garbage = { ...message('X'), value: 'not json' };
    expect(await intake.process(garbage)).toMatchObject({ outcome: 'dead-lettered' });

    engine.failure = new BillwerkUnavailableError('getContract', 'HTTP 503');
    const stuck = message('ContractCancelled');
    await intake.process(stuck);
    for (let round = 0; round < 3; round += 1) {
      now += 3_600_000;
      await intake.retryParked();
    }
    expect(dead).toEqual([
      { offset: rejected.offset, code: 'REJECTED' },
      { offset: garbage.offset, code: 'HOOK_UNUSABLE' },
      { offset: stuck.offset, code: 'UNAVAILABLE' },
    ]);
    expect(await store.parkedHooks.count()).toBe(0);
  });

  it('dead-letters a parked hook whose retry fails deterministically instead of retrying it forever', async () => {
    engine.failure = new BillwerkUnavailableError('getContract', 'HTTP 503');
    const poison = message('ContractCancelled');
    await intake.process(poison);
    engine.failure = new RangeError('Maximum call stack size exceeded');
    now += 1000;
    expect(await intake.retryParked()).toEqual({ processed: 0, parked: 0, deadLettered: 1 });
    expect(dead).toEqual([{ offset: poison.offset, code: 'RangeError' }]);
    expect(await store.parkedHooks.count()).toBe(0);
  });

  it('dead-letters a hook whose store conflict outlasted the engine rounds', async () => {
    engine.failure = new QueryFailedError(
      'INSERT INTO "retention_trigger"',
      [],
      Object.assign(new Error('UNIQUE constraint failed: retention_trigger.key'), {
        code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
      }),
    );
    const conflicted = message('PaymentFailed', { PaymentTransactionId: 't1' });
    expect(await intake.process(conflicted)).toMatchObject({ outcome: 'dead-lettered' });
    expect(dead).toEqual([{ offset: conflicted.offset, code: 'STORE_CONFLICT' }]);
    expect(await store.parkedHooks.count()).toBe(0);
  });
});
