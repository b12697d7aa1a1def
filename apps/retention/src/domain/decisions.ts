import type { Contract, PaymentTransaction } from '@app/billwerk-api';
import type { OfferRules } from './offer-rules';
import type { CaseView, Decision, PlannedAction, Step } from './retention-model';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Hooks that open or add to a payment recovery case, each its own reason. */
export const PAYMENT_PROBLEM_EVENTS = [
  'PaymentFailed',
  'PaymentEscalated',
  'DunningCreated',
  'PaymentProcessStatusChanged',
  'PaymentBearerExpiring',
  'PaymentBearerExpired',
  'DebitAuthCancelled',
] as const;
export type PaymentProblemEvent = (typeof PAYMENT_PROBLEM_EVENTS)[number];

/** Hooks after which the fetched state may show that payments work again. */
export const PAYMENT_RESOLUTION_EVENTS = [
  'PaymentEscalationReset',
  'PaymentSucceeded',
  'PaymentDataChanged',
  // Payments resuming is often the last hook of a recovery: the earlier ones saw the pause.
  'PaymentProcessStatusChanged',
] as const;
export type PaymentResolutionEvent = (typeof PAYMENT_RESOLUTION_EVENTS)[number];

/** billwerk dates come with seven fractional digits; one normal form makes them comparable. */
export function instant(value: string | undefined | null): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function action(type: PlannedAction['type'], reason: string, dueAt: Date): PlannedAction {
  return { type, reason, dueAt };
}

/** Ended by its EndDate, or by billwerk's own word (its clock may run ahead of ours). */
export function contractEnded(contract: Contract, now: Date): boolean {
  const end = instant(contract.EndDate);
  if (end !== null && Date.parse(end) <= now.getTime()) return true;
  return contract.LifecycleStatus === 'Ended' || contract.CurrentPhase?.Type === 'Inactive';
}

export interface WinBackInput {
  contract: Contract;
  /** The contract's win-back cases, open and closed. */
  cases: CaseView[];
  now: Date;
  rules: OfferRules;
  reminderDaysBeforeEnd: number;
}

/**
 * A future EndDate is a pending cancellation: one case per contract and end date. The case is
 * won when the EndDate disappears (cancellation withdrawn), lost once it has passed, and
 * superseded when the cancellation moved to another date.
 */
export function decideWinBack(input: WinBackInput): Decision {
  const { contract, now } = input;
  const end = instant(contract.EndDate);
  const open = input.cases.filter((c) => c.status === 'open');
  const steps: Step[] = [];
  const reasons: string[] = [];
  const ended = end !== null && contractEnded(contract, now);
  for (const c of open) {
    if (end === null) {
      steps.push({ type: 'close-case', caseId: c.id, outcome: 'won', actions: [] });
      reasons.push(`case ${c.id} won: the contract has no EndDate any more`);
    } else if (ended) {
      steps.push({ type: 'close-case', caseId: c.id, outcome: 'lost', actions: [] });
      reasons.push(`case ${c.id} lost: EndDate ${end} has passed`);
    } else if (c.endDate !== end) {
      steps.push({ type: 'close-case', caseId: c.id, outcome: 'superseded', actions: [] });
      reasons.push(`case ${c.id} superseded: EndDate moved from ${c.endDate} to ${end}`);
    }
  }
  if (end === null || ended) {
    if (reasons.length === 0) {
      reasons.push(end === null ? 'no pending cancellation' : `contract ended ${end}`);
    }
    return { summary: reasons.join('; '), steps };
  }
  const sameEnd = input.cases.filter((c) => c.endDate === end);
  if (sameEnd.some((c) => c.status === 'open')) {
    return { summary: `cancellation to ${end} already has an open case`, steps };
  }
  // A withdrawn cancellation (won) followed by a new one is a new case; anything else about
  // this end date (offer applied, closed by hand) was already dealt with.
  if (sameEnd.some((c) => c.outcome !== 'won')) {
    return { summary: `cancellation to ${end} was already handled`, steps };
  }
  const planVariantId = contract.PlanVariantId ?? contract.CurrentPhase?.PlanVariantId ?? null;
  const offer = input.rules.offerFor(planVariantId ?? undefined);
  const reminderAt = new Date(
    Math.max(now.getTime(), Date.parse(end) - input.reminderDaysBeforeEnd * DAY_MS),
  );
  steps.push({
    type: 'open-case',
    kind: 'win-back',
    dedupKey: `win-back:${contract.Id}:${end}`,
    reason: 'ContractCancelled',
    endDate: end,
    offer,
    planVariantId,
    actions: [
      action('WinBackOfferRequested', 'ContractCancelled', now),
      action('CancellationReminderDue', 'ContractCancelled', reminderAt),
    ],
  });
  reasons.push(
    `cancellation to ${end}: open win-back case, offer ${offer ? offer.discountId : 'none'}`,
  );
  return { summary: reasons.join('; '), steps };
}

export interface PaymentProblemInput {
  event: PaymentProblemEvent;
  contract: Contract;
  /** The fetched transaction of a PaymentFailed hook. */
  transaction?: PaymentTransaction;
  /** Identifies this occurrence (transaction, escalation process, dunning), when the hook has one. */
  triggerKey?: string;
  /** Whether `triggerKey` was already handled by any case. */
  triggerSeen: boolean;
  openCase: CaseView | undefined;
  now: Date;
  /**
   * The hook is older than the stale threshold: what it reports may be long over, so only a
   * problem billwerk's current state still shows opens or extends a case.
   */
  stale?: boolean;
}

/** A card expiring within this window still counts as "expiring" for a stale hook. */
const EXPIRING_WINDOW_MS = 31 * DAY_MS;

function paymentBearerExpiry(contract: Contract): Date | null {
  const bearer = contract.PaymentBearer;
  if (!bearer?.ExpiryYear || !bearer.ExpiryMonth) return null;
  // A card is valid through the last day of its expiry month.
  return new Date(Date.UTC(bearer.ExpiryYear, bearer.ExpiryMonth, 1));
}

/** Whether the contract shows a payment problem now: payments paused or the bearer expired. */
function currentPaymentProblem(contract: Contract, now: Date): boolean {
  const expiry = paymentBearerExpiry(contract);
  return contract.RecurringPaymentsPaused === true || (expiry !== null && expiry <= now);
}

/**
 * Why a stale hook is not confirmed by the current state, or undefined when it is. A failed
 * transaction stays failed for good, and escalations, dunnings and cancelled mandates leave no
 * trace on the contract: for those only payments paused or an expired bearer confirm a problem.
 */
function unconfirmedStaleProblem(input: PaymentProblemInput): string | undefined {
  const { event, contract, now } = input;
  if (event === 'PaymentBearerExpiring') {
    const expiry = paymentBearerExpiry(contract);
    return expiry !== null &&
      expiry.getTime() > now.getTime() &&
      expiry.getTime() - now.getTime() <= EXPIRING_WINDOW_MS
      ? undefined
      : 'stale hook: the payment bearer is not about to expire';
  }
  return currentPaymentProblem(contract, now)
    ? undefined
    : 'stale hook: billwerk shows no payment problem now';
}

/** Why the fetched state does not confirm the hook, or undefined when it does. */
function unconfirmedProblem(input: PaymentProblemInput): string | undefined {
  const { event, contract, transaction, now } = input;
  if (input.stale) {
    const stale = unconfirmedStaleProblem(input);
    if (stale) return stale;
  }
  switch (event) {
    case 'PaymentFailed':
      return transaction && /^failed$/i.test(transaction.Status)
        ? undefined
        : `transaction status is ${transaction?.Status ?? 'unknown'}, not Failed`;
    case 'PaymentProcessStatusChanged':
      return contract.RecurringPaymentsPaused === true
        ? undefined
        : 'recurring payments are not paused';
    case 'PaymentBearerExpired': {
      const expiry = paymentBearerExpiry(contract);
      return expiry === null || expiry <= now ? undefined : 'the payment bearer is valid again';
    }
    case 'PaymentBearerExpiring':
    case 'PaymentEscalated':
    case 'DunningCreated':
    case 'DebitAuthCancelled':
      return undefined;
  }
}

function problemReason(input: PaymentProblemInput): string {
  return input.event === 'PaymentProcessStatusChanged' ? 'RecurringPaymentsPaused' : input.event;
}

/** One open recovery case per contract; each distinct reason is requested once. */
export function decidePaymentProblem(input: PaymentProblemInput): Decision {
  const { contract, openCase, now } = input;
  if (contractEnded(contract, now)) {
    return { summary: `${input.event} ignored: the contract has ended`, steps: [] };
  }
  const unconfirmed = unconfirmedProblem(input);
  if (unconfirmed) return { summary: `${input.event} ignored: ${unconfirmed}`, steps: [] };
  if (input.triggerSeen) {
    return {
      summary: `${input.event} ignored: ${input.triggerKey} was already handled`,
      steps: [],
    };
  }
  const reason = problemReason(input);
  const request = action('PaymentRecoveryRequested', reason, now);
  if (openCase) {
    if (openCase.reasons.includes(reason)) {
      return {
        summary: `${reason}: already requested on case ${openCase.id}`,
        steps: input.triggerKey
          ? [{ type: 'remember-trigger', caseId: openCase.id, triggerKey: input.triggerKey }]
          : [],
      };
    }
    return {
      summary: `${reason}: recovery requested on open case ${openCase.id}`,
      steps: [
        { type: 'add-action', caseId: openCase.id, action: request, triggerKey: input.triggerKey },
      ],
    };
  }
  return {
    summary: `${reason}: payment recovery case opened`,
    steps: [
      {
        type: 'open-case',
        kind: 'payment-recovery',
        dedupKey: `payment-recovery:${contract.Id}`,
        reason,
        endDate: null,
        offer: null,
        planVariantId: contract.PlanVariantId ?? null,
        actions: [request],
        triggerKey: input.triggerKey,
      },
    ],
  };
}

export interface PaymentResolutionInput {
  event: PaymentResolutionEvent;
  contract: Contract;
  /** The fetched transaction of a PaymentSucceeded hook. */
  transaction?: PaymentTransaction;
  openCase: CaseView | undefined;
  now: Date;
}

/** Why the fetched state does not show payments working, or undefined when it does. */
function unconfirmedRecovery(input: PaymentResolutionInput): string | undefined {
  const { contract, transaction, now } = input;
  if (
    input.event === 'PaymentSucceeded' &&
    !(transaction && /^succeeded$/i.test(transaction.Status))
  ) {
    return `transaction status is ${transaction?.Status ?? 'unknown'}, not Succeeded`;
  }
  if (contract.RecurringPaymentsPaused === true) return 'recurring payments are still paused';
  const expiry = paymentBearerExpiry(contract);
  if (expiry !== null && expiry <= now) return 'the payment bearer has expired';
  return undefined;
}

export function decidePaymentResolution(input: PaymentResolutionInput): Decision {
  if (!input.openCase) return { summary: `${input.event}: no open recovery case`, steps: [] };
  const unconfirmed = unconfirmedRecovery(input);
  if (unconfirmed) {
    return {
      summary: `${input.event} does not resolve case ${input.openCase.id}: ${unconfirmed}`,
      steps: [],
    };
  }
  return {
    summary: `${input.event}: case ${input.openCase.id} recovered`,
    steps: [
      {
        type: 'close-case',
        caseId: input.openCase.id,
        outcome: 'recovered',
        actions: [action('PaymentRecovered', input.event, input.now)],
      },
    ],
  };
}

/** A trial ending soon gets one nudge per trial phase, unless the contract already left it. */
export function decideTrialEnd(contract: Contract, now: Date): Decision {
  const phase = contract.CurrentPhase;
  if (phase?.Type !== 'Trial') {
    return {
      summary: `no nudge: the contract is in its ${phase?.Type ?? 'unknown'} phase`,
      steps: [],
    };
  }
  if (contractEnded(contract, now))
    return { summary: 'no nudge: the contract has ended', steps: [] };
  const phaseStart = instant(phase.StartDate) ?? 'unknown';
  return {
    summary: `trial since ${phaseStart} ends soon: nudge`,
    steps: [
      {
        type: 'open-case',
        kind: 'trial-conversion',
        dedupKey: `trial-conversion:${contract.Id}:${phaseStart}`,
        reason: 'TrialEndApproaching',
        endDate: null,
        offer: null,
        planVariantId: phase.PlanVariantId ?? contract.PlanVariantId ?? null,
        actions: [action('TrialEndingNudge', 'TrialEndApproaching', now)],
        closeWith: 'nudged',
      },
    ],
  };
}
