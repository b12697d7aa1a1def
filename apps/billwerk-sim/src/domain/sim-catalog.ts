import type { Discount } from '@app/billwerk-api';

/**
 * Fixed product catalogue ids, so that workflows and their tests can name a plan or a discount
 * offer in configuration before the simulator runs.
 */
export const SIM_PLANS = {
  basic: {
    PlanGroupId: '64a000000000000000000001',
    PlanId: '64a000000000000000000011',
    PlanVariantId: '64a000000000000000000021',
  },
  premium: {
    PlanGroupId: '64a000000000000000000001',
    PlanId: '64a000000000000000000012',
    PlanVariantId: '64a000000000000000000022',
  },
} as const;

export type SimPlan = keyof typeof SIM_PLANS;

export const SIM_DISCOUNTS: readonly Discount[] = [
  {
    Id: '64b000000000000000000001',
    Name: '20% off for 3 months',
    InternalName: 'retention-20-3m',
    Description: 'Retention offer: 20% off the next three billing periods',
    Effect: { Type: 'PercentageOff', Percentage: 20 },
    DurationPeriods: 3,
  },
  {
    Id: '64b000000000000000000002',
    Name: '50% off for 1 month',
    InternalName: 'retention-50-1m',
    Effect: { Type: 'PercentageOff', Percentage: 50 },
    DurationPeriods: 1,
  },
  {
    Id: '64b000000000000000000003',
    Name: '5 EUR off',
    InternalName: 'goodwill-5eur',
    Effect: { Type: 'FixedAmountOff', Amount: 5, Currency: 'EUR' },
  },
];

/** How long before a trial ends billwerk sends TrialEndApproaching (configured per plan in billwerk). */
export const TRIAL_END_LEAD_DAYS = 3;
