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

/** The stories the retention workflows are built against; `npm run sim -- <name>` plays one. */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    name: 'cancel',
    description:
      'A customer cancels (ContractCancelled + ContractChanged EndContract, EndDate in 30 days) and the notice period runs: the window in which a win-back offer can still keep them.',
    customers: [anna],
    contracts: [{ ref: 'contract', customer: 'anna', startedDaysAgo: 120 }],
    steps: [{ do: 'cancel', contract: 'contract', endInDays: 30 }],
  },
  {
    name: 'cancel-withdraw',
    description:
      'A customer cancels (ContractCancelled + ContractChanged EndContract, EndDate in 30 days), and five days later the cancellation is withdrawn (ContractChanged, EndDate gone).',
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
    customers: [james],
    contracts: [{ ref: 'contract', customer: 'james', startedDaysAgo: 100 }],
    steps: [{ do: 'deleteCustomer', customer: 'james', keepTombstone: true }],
  },
];
