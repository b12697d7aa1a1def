import type { ContractSeed, CustomerSeed } from '../domain/simulation';

/** One thing that happens in billwerk; refs name customers and contracts the scenario created. */
export type ScenarioStep =
  | { do: 'cancel'; contract: string; endInDays?: number }
  | { do: 'withdrawCancellation'; contract: string }
  | { do: 'advanceClock'; days: number }
  | { do: 'failPayment'; contract: string; amount: number }
  | { do: 'succeedPayment'; contract: string; amount: number }
  | { do: 'escalatePayment'; contract: string; triggerDays: number }
  | { do: 'resetEscalation'; contract: string }
  | { do: 'pauseRecurringPayments'; contract: string }
  | { do: 'resumeRecurringPayments'; contract: string }
  | { do: 'deleteCustomer'; customer: string; keepTombstone?: boolean };

/**
 * A scripted story: fresh customers and contracts (new ids on every play, created silently as if
 * they existed before), then steps that change them and emit billwerk's hooks, one step at a time
 * at the play's pace. Dates are relative to the simulator clock, which `advanceClock` moves for
 * everybody (a notice period passes in one step, not in a month).
 */
export interface ScenarioDefinition {
  name: string;
  /** What happens in billwerk: the state changes and the hooks they send. */
  description: string;
  /** What the running stack shows once it was played at the interactive pace. */
  outcome: string;
  customers: Array<CustomerSeed & { ref: string }>;
  contracts: Array<ContractSeed & { ref: string; customer: string }>;
  steps: ScenarioStep[];
}

/** One line a person watching the play can follow. */
export function describeStep(step: ScenarioStep): string {
  switch (step.do) {
    case 'cancel':
      return `${step.contract} is cancelled, EndDate in ${step.endInDays ?? 30} days`;
    case 'withdrawCancellation':
      return `the cancellation of ${step.contract} is withdrawn`;
    case 'advanceClock':
      return `the simulator clock jumps ${step.days} day${step.days === 1 ? '' : 's'} ahead`;
    case 'failPayment':
      return `a payment of ${step.amount} for ${step.contract} fails`;
    case 'succeedPayment':
      return `the customer pays ${step.amount} for ${step.contract}`;
    case 'escalatePayment':
      return `the failed payment of ${step.contract} escalates to dunning`;
    case 'resetEscalation':
      return `the payment escalation of ${step.contract} is reset`;
    case 'pauseRecurringPayments':
      return `recurring payments of ${step.contract} pause`;
    case 'resumeRecurringPayments':
      return `recurring payments of ${step.contract} resume`;
    case 'deleteCustomer':
      return `customer ${step.customer} is deleted${step.keepTombstone ? ' (kept as a tombstone)' : ''}`;
  }
}
