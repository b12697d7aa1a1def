import type { Contract } from '@app/billwerk-api';
import {
  decidePaymentProblem,
  decidePaymentResolution,
  decideTrialEnd,
  decideWinBack,
} from './decisions';
import { OfferRules } from './offer-rules';
import type { CaseView } from './retention-model';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const GOLD = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const DISCOUNT = 'dddddddddddddddddddddddd';
const RULES = OfferRules.parse(`${GOLD}=${DISCOUNT}`);
const END = '2026-12-31T00:00:00.0000000Z';
const END_ISO = '2026-12-31T00:00:00.000Z';

function contract(overrides: Partial<Contract> = {}): Contract {
  return {
    Id: 'c0c0c0c0c0c0c0c0c0c0c0c0',
    CustomerId: 'f0f0f0f0f0f0f0f0f0f0f0f0',
    PlanVariantId: GOLD,
    StartDate: '2026-01-01T00:00:00Z',
    CurrentPhase: { Type: 'Normal', StartDate: '2026-01-01T00:00:00Z' },
    ...overrides,
  };
}

function winBackCase(overrides: Partial<CaseView> = {}): CaseView {
  return {
    id: 'case-1',
    kind: 'win-back',
    status: 'open',
    outcome: null,
    endDate: END_ISO,
    reasons: ['ContractCancelled'],
    ...overrides,
  };
}

const winBack = (c: Contract, cases: CaseView[] = []) =>
  decideWinBack({ contract: c, cases, now: NOW, rules: RULES, reminderDaysBeforeEnd: 7 });

describe('decideWinBack', () => {
  it('opens a case for a future EndDate with the offer, the request now and a reminder', () => {
    const decision = winBack(contract({ EndDate: END }));
    expect(decision.steps).toEqual([
      expect.objectContaining({
        type: 'open-case',
        kind: 'win-back',
        dedupKey: `win-back:c0c0c0c0c0c0c0c0c0c0c0c0:${END_ISO}`,
        endDate: END_ISO,
        offer: { discountId: DISCOUNT },
        actions: [
          { type: 'WinBackOfferRequested', reason: 'ContractCancelled', dueAt: NOW },
          {
            type: 'CancellationReminderDue',
            reason: 'ContractCancelled',
            dueAt: new Date('2026-12-24T00:00:00.000Z'),
          },
        ],
      }),
    ]);
  });

  it('reminds at once when the end is closer than the reminder lead', () => {
    const decision = winBack(contract({ EndDate: '2026-11-27T00:00:00Z' }));
    const open = decision.steps[0];
    expect(open.type === 'open-case' && open.actions[1].dueAt).toEqual(NOW);
  });

  it('does nothing more when the case for that end date is open (duplicate hook)', () => {
    expect(winBack(contract({ EndDate: END }), [winBackCase()]).steps).toEqual([]);
  });

  it('closes won when the EndDate disappeared (withdrawn cancellation)', () => {
    expect(winBack(contract(), [winBackCase()]).steps).toEqual([
      { type: 'close-case', caseId: 'case-1', outcome: 'won', actions: [] },
    ]);
  });

  it('closes lost once the EndDate has passed, and opens nothing', () => {
    const decision = winBack(contract({ EndDate: '2026-11-01T00:00:00Z' }), [winBackCase()]);
    expect(decision.steps).toEqual([
      { type: 'close-case', caseId: 'case-1', outcome: 'lost', actions: [] },
    ]);
  });

  it('closes lost when billwerk says the contract ended, even before our clock reaches EndDate', () => {
    const ended = contract({ EndDate: END, LifecycleStatus: 'Ended' });
    expect(winBack(ended, [winBackCase()]).steps).toEqual([
      { type: 'close-case', caseId: 'case-1', outcome: 'lost', actions: [] },
    ]);
    expect(winBack(ended).steps).toEqual([]);
  });

  it('supersedes a case whose end date moved and opens one for the new date', () => {
    const decision = winBack(contract({ EndDate: '2027-01-31T00:00:00Z' }), [winBackCase()]);
    expect(decision.steps.map((s) => s.type)).toEqual(['close-case', 'open-case']);
    expect(decision.steps[0]).toMatchObject({ outcome: 'superseded' });
  });

  it('never reopens a cancellation whose offer was applied, but does after a withdrawal', () => {
    const applied = winBackCase({ status: 'closed', outcome: 'offer-applied' });
    expect(winBack(contract({ EndDate: END }), [applied]).steps).toEqual([]);
    const won = winBackCase({ status: 'closed', outcome: 'won' });
    expect(winBack(contract({ EndDate: END }), [won]).steps[0].type).toBe('open-case');
  });

  it('ignores a late cancellation hook when the state shows no EndDate', () => {
    expect(winBack(contract()).steps).toEqual([]);
  });
});

describe('decidePaymentProblem', () => {
  const base = { contract: contract(), triggerSeen: false, openCase: undefined, now: NOW };

  it('opens a case for a failed transaction, remembering the transaction', () => {
    const decision = decidePaymentProblem({
      ...base,
      event: 'PaymentFailed',
      transaction: {
        Id: 't',
        ContractId: 'c',
        CustomerId: 'x',
        Amount: 1,
        Currency: 'EUR',
        Status: 'Failed',
      },
      triggerKey: 'PaymentFailed:t',
    });
    expect(decision.steps).toEqual([
      expect.objectContaining({
        type: 'open-case',
        kind: 'payment-recovery',
        reason: 'PaymentFailed',
        triggerKey: 'PaymentFailed:t',
        actions: [{ type: 'PaymentRecoveryRequested', reason: 'PaymentFailed', dueAt: NOW }],
      }),
    ]);
  });

  it('ignores a failure the transaction does not confirm, or one already handled', () => {
    const transaction = {
      Id: 't',
      ContractId: 'c',
      CustomerId: 'x',
      Amount: 1,
      Currency: 'EUR',
      Status: 'Succeeded',
    };
    expect(decidePaymentProblem({ ...base, event: 'PaymentFailed', transaction }).steps).toEqual(
      [],
    );
    expect(
      decidePaymentProblem({
        ...base,
        event: 'PaymentEscalated',
        triggerKey: 'k',
        triggerSeen: true,
      }).steps,
    ).toEqual([]);
  });

  it('acts on a stale hook only when the current state still shows a problem', () => {
    const failed = {
      Id: 't',
      ContractId: 'c',
      CustomerId: 'x',
      Amount: 1,
      Currency: 'EUR',
      Status: 'Failed',
    };
    const stale = { ...base, stale: true, event: 'PaymentFailed' as const, transaction: failed };
    expect(decidePaymentProblem(stale).steps).toEqual([]);
    expect(decidePaymentProblem(stale).summary).toMatch(/stale hook/);
    expect(
      decidePaymentProblem({ ...stale, contract: contract({ RecurringPaymentsPaused: true }) })
        .steps,
    ).toHaveLength(1);
    expect(decidePaymentProblem({ ...base, stale: true, event: 'DunningCreated' }).steps).toEqual(
      [],
    );
    const expiringSoon = contract({ PaymentBearer: { ExpiryYear: 2026, ExpiryMonth: 11 } });
    const expiringLater = contract({ PaymentBearer: { ExpiryYear: 2027, ExpiryMonth: 6 } });
    const expiring = { ...base, stale: true, event: 'PaymentBearerExpiring' as const };
    expect(decidePaymentProblem({ ...expiring, contract: expiringSoon }).steps).toHaveLength(1);
    expect(decidePaymentProblem({ ...expiring, contract: expiringLater }).steps).toEqual([]);
  });

  it('reads the pause from the contract, not the hook', () => {
    expect(decidePaymentProblem({ ...base, event: 'PaymentProcessStatusChanged' }).steps).toEqual(
      [],
    );
    const paused = decidePaymentProblem({
      ...base,
      event: 'PaymentProcessStatusChanged',
      contract: contract({ RecurringPaymentsPaused: true }),
    });
    expect(paused.steps[0]).toMatchObject({ type: 'open-case', reason: 'RecurringPaymentsPaused' });
  });

  it('adds a new reason to the open case and skips a reason already requested', () => {
    const open: CaseView = {
      ...winBackCase(),
      kind: 'payment-recovery',
      endDate: null,
      reasons: ['PaymentFailed'],
    };
    expect(
      decidePaymentProblem({ ...base, event: 'DunningCreated', openCase: open }).steps,
    ).toEqual([
      {
        type: 'add-action',
        caseId: 'case-1',
        action: { type: 'PaymentRecoveryRequested', reason: 'DunningCreated', dueAt: NOW },
        triggerKey: undefined,
      },
    ]);
    const again = open.reasons.concat('DunningCreated');
    expect(
      decidePaymentProblem({
        ...base,
        event: 'DunningCreated',
        openCase: { ...open, reasons: again },
      }).steps,
    ).toEqual([]);
  });

  it('ignores bearer warnings for contracts that have ended', () => {
    const ended = contract({ EndDate: '2026-10-01T00:00:00Z' });
    expect(
      decidePaymentProblem({ ...base, event: 'PaymentBearerExpiring', contract: ended }).steps,
    ).toEqual([]);
  });
});

describe('decidePaymentResolution', () => {
  const open: CaseView = { ...winBackCase(), kind: 'payment-recovery', endDate: null };

  it('closes recovered when the state confirms payments work', () => {
    const decision = decidePaymentResolution({
      event: 'PaymentEscalationReset',
      contract: contract(),
      openCase: open,
      now: NOW,
    });
    expect(decision.steps).toEqual([
      {
        type: 'close-case',
        caseId: 'case-1',
        outcome: 'recovered',
        actions: [{ type: 'PaymentRecovered', reason: 'PaymentEscalationReset', dueAt: NOW }],
      },
    ]);
  });

  it('resolves when payments resume (PaymentProcessStatusChanged, not paused any more)', () => {
    const decision = decidePaymentResolution({
      event: 'PaymentProcessStatusChanged',
      contract: contract({ RecurringPaymentsPaused: false }),
      openCase: open,
      now: NOW,
    });
    expect(decision.steps[0]).toMatchObject({ type: 'close-case', outcome: 'recovered' });
  });

  it('keeps the case open while payments are paused or the transaction did not succeed', () => {
    expect(
      decidePaymentResolution({
        event: 'PaymentDataChanged',
        contract: contract({ RecurringPaymentsPaused: true }),
        openCase: open,
        now: NOW,
      }).steps,
    ).toEqual([]);
    expect(
      decidePaymentResolution({
        event: 'PaymentSucceeded',
        contract: contract(),
        transaction: {
          Id: 't',
          ContractId: 'c',
          CustomerId: 'x',
          Amount: 1,
          Currency: 'EUR',
          Status: 'Pending',
        },
        openCase: open,
        now: NOW,
      }).steps,
    ).toEqual([]);
  });
});

describe('decideTrialEnd', () => {
  it('nudges once per trial phase', () => {
    const trial = contract({ CurrentPhase: { Type: 'Trial', StartDate: '2026-11-01T00:00:00Z' } });
    expect(decideTrialEnd(trial, NOW).steps).toEqual([
      expect.objectContaining({
        kind: 'trial-conversion',
        dedupKey: 'trial-conversion:c0c0c0c0c0c0c0c0c0c0c0c0:2026-11-01T00:00:00.000Z',
        closeWith: 'nudged',
        actions: [{ type: 'TrialEndingNudge', reason: 'TrialEndApproaching', dueAt: NOW }],
      }),
    ]);
  });

  it('does not nudge a contract that already left its trial', () => {
    expect(decideTrialEnd(contract(), NOW).steps).toEqual([]);
  });
});
