import type { BillwerkEventName } from '@app/contracts';
import { fullHook, type HookBody } from '../fixtures/billwerk-hooks';

/** A contract the simulator cancelled, with the hooks billwerk sent about it. */
export interface WinBackContract {
  contractId: string;
  hooks: HookBody[];
}

/** Hooks retention reads and ignores without asking billwerk, across four topics; audit keeps all. */
const NOISE: readonly BillwerkEventName[] = [
  'ContractCreated',
  'CustomerChanged',
  'InvoiceCreated',
  'PaymentRegistered',
  'PlanChanged',
];

/**
 * The bodies of a scenario's load: mostly hooks of several topics that only the audit acts on,
 * and every `winBackEvery`-th one a hook about a cancelled contract, in turn, so that retention
 * opens a win-back case per contract (one offer each, however often its hooks repeat). Every body
 * carries its load id in `ChaosLoadId` (billwerk bodies may carry fields the catalog does not
 * name), so a hook written twice is found whatever its event id.
 */
export class HookMix {
  private sent = 0;
  /** Contract of each win-back hook, by load id. */
  private readonly winBackOf = new Map<string, string>();

  constructor(
    private readonly contracts: readonly WinBackContract[],
    private readonly winBackEvery = 10,
  ) {
    if (contracts.some((contract) => contract.hooks.length === 0)) {
      throw new Error('every win-back contract needs at least one hook');
    }
  }

  body(loadId: string): string {
    const turn = this.sent;
    this.sent += 1;
    if (this.contracts.length > 0 && turn % this.winBackEvery === 0) {
      const round = turn / this.winBackEvery;
      const contract = this.contracts[round % this.contracts.length];
      const hooks = contract.hooks;
      const hook = hooks[Math.floor(round / this.contracts.length) % hooks.length];
      this.winBackOf.set(loadId, contract.contractId);
      return JSON.stringify({ ...hook, ChaosLoadId: loadId });
    }
    return JSON.stringify({ ...fullHook(NOISE[turn % NOISE.length]), ChaosLoadId: loadId });
  }

  /** The contracts for which at least one of the given (acknowledged) load ids was a hook. */
  contractsOf(loadIds: Iterable<string>): Set<string> {
    const contracts = new Set<string>();
    for (const id of loadIds) {
      const contract = this.winBackOf.get(id);
      if (contract !== undefined) contracts.add(contract);
    }
    return contracts;
  }
}
