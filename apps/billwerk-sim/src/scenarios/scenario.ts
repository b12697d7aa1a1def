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
 * they existed before), then steps that change them and emit billwerk's hooks. Dates are relative
 * to the simulator clock, which `advanceClock` moves for everybody.
 */
export interface ScenarioDefinition {
  name: string;
  description: string;
  customers: Array<CustomerSeed & { ref: string }>;
  contracts: Array<ContractSeed & { ref: string; customer: string }>;
  steps: ScenarioStep[];
}
