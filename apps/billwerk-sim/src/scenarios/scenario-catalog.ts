import type { ScenarioDefinition } from './scenario';

const anna = {
  ref: 'anna',
  FirstName: 'Anna',
  LastName: 'Schmidt',
  EmailAddress: 'anna.schmidt@example.com',
  Language: 'de',
  Locale: 'de-DE',
};

const james = {
  ref: 'james',
  FirstName: 'James',
  LastName: 'Miller',
  EmailAddress: 'james.miller@example.com',
  Language: 'en',
  Locale: 'en-GB',
};

/**
 * The stories the retention workflows are built against; `npm run sim -- <name>` plays one.
 * test/e2e/scenarios-paced.e2e-spec.ts checks every `outcome` against the running stack.
 */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    name: 'cancel',
    description:
      'A customer cancels (ContractCancelled + ContractChanged EndContract, EndDate in 30 days) and the notice period runs: the window in which a win-back offer can still keep them.',
    outcome:
      'Retention opens a win-back case (open, with the offer) and publishes WinBackOfferRequested on retention.actions.v1; the case stays open while the notice period runs.',
    customers: [anna],
    contracts: [{ ref: 'contract', customer: 'anna', startedDaysAgo: 120 }],
    steps: [{ do: 'cancel', contract: 'contract', endInDays: 30 }],
  },
  {
    name: 'cancel-withdraw',
    description:
      'A customer cancels (ContractCancelled + ContractChanged EndContract, EndDate in 30 days), and five days later the cancellation is withdrawn (ContractChanged, EndDate gone).',
    outcome:
      'Retention opens a win-back case and publishes WinBackOfferRequested; the withdrawal closes the case as won.',
    customers: [anna],
    contracts: [{ ref: 'contract', customer: 'anna', startedDaysAgo: 200 }],
    steps: [
      { do: 'cancel', contract: 'contract', endInDays: 30 },
      { do: 'advanceClock', days: 5 },
      { do: 'withdrawCancellation', contract: 'contract' },
    ],
  },
  {
    name: 'cancel-ends',
    description:
      'A customer cancels (EndDate in 30 days); the clock moves 31 days on and the contract ends (ContractChanged Timebased, LifecycleStatus Ended, CurrentPhase Inactive).',
    outcome:
      'Retention opens a win-back case and publishes WinBackOfferRequested; when the contract ends the case closes as lost.',
    customers: [james],
    contracts: [{ ref: 'contract', customer: 'james', startedDaysAgo: 90, plan: 'premium' }],
    steps: [
      { do: 'cancel', contract: 'contract', endInDays: 30 },
      { do: 'advanceClock', days: 31 },
    ],
  },
  {
    name: 'trial-ends',
    description:
      'A 14-day trial started 10 days ago: TrialEndApproaching (3 days ahead), then ContractChanged Timebased as CurrentPhase goes Trial → Normal.',
    outcome:
      'Retention nudges once: TrialEndingNudge on retention.actions.v1, its trial-conversion case closed as nudged; the change to the normal phase adds nothing.',
    customers: [anna],
    contracts: [{ ref: 'contract', customer: 'anna', startedDaysAgo: 10, trialDays: 14 }],
    steps: [
      { do: 'advanceClock', days: 2 },
      { do: 'advanceClock', days: 3 },
    ],
  },
  {
    name: 'payment-recovery',
    description:
      'A payment fails (PaymentFailed), escalates (PaymentEscalated, DunningCreated with ContractID), recurring payments pause (PaymentProcessStatusChanged), then the customer pays (PaymentSucceeded, PaymentEscalationReset) and payments resume.',
    outcome:
      'Retention opens a payment-recovery case and publishes PaymentRecoveryRequested (once per confirmed reason); the payment closes it as recovered and publishes PaymentRecovered.',
    customers: [james],
    contracts: [{ ref: 'contract', customer: 'james', startedDaysAgo: 120 }],
    steps: [
      { do: 'failPayment', contract: 'contract', amount: 29.9 },
      { do: 'advanceClock', days: 5 },
      { do: 'escalatePayment', contract: 'contract', triggerDays: 5 },
      { do: 'pauseRecurringPayments', contract: 'contract' },
      { do: 'advanceClock', days: 2 },
      { do: 'succeedPayment', contract: 'contract', amount: 29.9 },
      { do: 'resetEscalation', contract: 'contract' },
      { do: 'resumeRecurringPayments', contract: 'contract' },
    ],
  },
  {
    name: 'customer-deleted',
    description:
      'A customer with two contracts is deleted: CustomerDeleted, then ContractDeleted for each contract; the API answers 404 for all three afterwards.',
    outcome:
      'Retention opens no case and publishes nothing (there is nothing to win back); the audit log keeps every hook.',
    customers: [anna],
    contracts: [
      { ref: 'first', customer: 'anna', startedDaysAgo: 300 },
      { ref: 'second', customer: 'anna', startedDaysAgo: 30, plan: 'premium' },
    ],
    steps: [{ do: 'deleteCustomer', customer: 'anna' }],
  },
  {
    name: 'customer-deleted-tombstone',
    description:
      'Like customer-deleted, but the customer keeps answering with DeletedAt set (and no contracts) instead of 404.',
    outcome: 'As customer-deleted: no case, no action, every hook in the audit log.',
    customers: [james],
    contracts: [{ ref: 'contract', customer: 'james', startedDaysAgo: 100 }],
    steps: [{ do: 'deleteCustomer', customer: 'james', keepTombstone: true }],
  },
];
