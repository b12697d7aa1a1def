import type { Contract, ContractPhase } from '@app/billwerk-api';
import type { ContractState } from './sim-store';

/** The contract as the API shows it at `now`: current phase, lifecycle and billing dates follow from the clock. */
export function contractView(state: ContractState, now: Date): Contract {
  const { contract } = state;
  const phases = contract.Phases ?? [];
  const current = currentPhase(phases, now);
  const ended = contract.EndDate !== undefined && Date.parse(contract.EndDate) <= now.getTime();
  const billing = ended ? {} : billingDates(contract.StartDate, now);
  return {
    ...contract,
    ...billing,
    CurrentPhase: current,
    LifecycleStatus: ended ? 'Ended' : 'Active',
  };
}

function currentPhase(phases: ContractPhase[], now: Date): ContractPhase | undefined {
  let current: ContractPhase | undefined = phases[0];
  for (const phase of phases) {
    if (Date.parse(phase.StartDate) <= now.getTime()) current = phase;
  }
  return current;
}

/** Monthly billing anniversaries of the start date around `now`. */
export function billingDates(
  startDate: string,
  now: Date,
): Pick<Contract, 'LastBillingDate' | 'NextBillingDate' | 'BilledUntil'> {
  const start = new Date(startDate);
  let months = 0;
  while (addMonths(start, months + 1).getTime() <= now.getTime()) months++;
  const next = addMonths(start, months + 1).toISOString();
  return {
    LastBillingDate: addMonths(start, months).toISOString(),
    NextBillingDate: next,
    BilledUntil: next,
  };
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}
