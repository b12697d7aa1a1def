import { isUniqueViolation } from '@app/persistence';
import type { Contract, PaymentTransaction } from '@app/billwerk-api';
import type { Logger } from 'pino';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import {
  decidePaymentProblem,
  decidePaymentResolution,
  decideTrialEnd,
  decideWinBack,
  PAYMENT_PROBLEM_EVENTS,
  PAYMENT_RESOLUTION_EVENTS,
  type PaymentProblemEvent,
  type PaymentResolutionEvent,
} from '../domain/decisions';
import type { OfferRules } from '../domain/offer-rules';
import type { CaseView, Decision } from '../domain/retention-model';
import type { TimelineEntry } from '../persistence/records';
import type { RetentionStore } from '../persistence/retention-store';
import { applySteps } from './apply-steps';
import { BillwerkState, contractFacts, transactionFacts } from './billwerk-state';
import { CaseWrites, type WorkflowObserver } from './case-writes';
import { Erasure } from './erasure';
import {
  hookEntry,
  idField,
  requireId,
  WIN_BACK_EVENTS,
  type HookOutcome,
  type IncomingHook,
} from './hook';

export interface WorkflowSettings {
  rules: OfferRules;
  reminderDaysBeforeEnd: number;
  /** A payment-problem hook older than this acts only on a problem billwerk still shows. */
  stalePaymentHookMs: number;
}

/** Decides from what the store holds now: the preview outside, then again in the transaction. */
type Decide = (store: RetentionStore) => Promise<Decision>;

/** Rounds of decide-and-apply: a unique-key conflict means a concurrent instance won a round. */
const ROUNDS = 3;

/**
 * Turns hooks into case changes. Every hook is a prompt to look: state is fetched from billwerk
 * and the pure deciders in `domain/` choose from it, so late, repeated or reordered hooks lead
 * to the same cases. Case rows, timeline, triggers and outbox rows change in one transaction;
 * unique keys make a concurrent duplicate fail, and it is then decided again from what won.
 */
export class WorkflowEngine {
  private readonly state: BillwerkState;
  private readonly erasure: Erasure;

  constructor(
    private readonly store: RetentionStore,
    billwerk: BillwerkGateway,
    private readonly settings: WorkflowSettings,
    private readonly observer: WorkflowObserver,
    private readonly now: () => Date = () => new Date(),
    logger?: Logger,
  ) {
    this.state = new BillwerkState(billwerk, logger);
    this.erasure = new Erasure(store, observer, now);
  }

  /** Throws BillwerkApiError when billwerk could not be asked, UnusableHookError for bad hooks. */
  async handle(hook: IncomingHook): Promise<HookOutcome> {
    const event = hook.event;
    if (WIN_BACK_EVENTS.has(event)) return this.winBack(hook);
    if (event === 'TrialEndApproaching') return this.trialEnd(hook);
    if (event === 'PaymentProcessStatusChanged') return this.paymentProcessStatus(hook);
    if ((PAYMENT_PROBLEM_EVENTS as readonly string[]).includes(event)) {
      return this.paymentProblem(hook, event as PaymentProblemEvent);
    }
    if ((PAYMENT_RESOLUTION_EVENTS as readonly string[]).includes(event)) {
      return this.paymentResolution(hook, event as PaymentResolutionEvent);
    }
    if (event === 'CustomerDeleted') {
      return this.erasure.erase(hook, { customerId: requireId(hook, 'CustomerId') });
    }
    if (event === 'ContractDeleted') {
      return this.erasure.erase(hook, { contractId: requireId(hook, 'ContractId') });
    }
    return { relevant: false };
  }

  private async winBack(hook: IncomingHook): Promise<HookOutcome> {
    const contractId = requireId(hook, 'ContractId');
    const contract = await this.state.contract(contractId);
    if (!contract) return this.noContract(hook, contractId);
    return this.decideAndApply(hook, contract, async (store) =>
      decideWinBack({
        contract,
        cases: await store.cases.ofContract(contract.Id, 'win-back'),
        now: this.now(),
        rules: this.settings.rules,
        reminderDaysBeforeEnd: this.settings.reminderDaysBeforeEnd,
      }),
    );
  }

  private async trialEnd(hook: IncomingHook): Promise<HookOutcome> {
    const contractId = requireId(hook, 'ContractId');
    const contract = await this.state.contract(contractId);
    if (!contract) return this.noContract(hook, contractId);
    return this.decideAndApply(hook, contract, () =>
      Promise.resolve(decideTrialEnd(contract, this.now())),
    );
  }

  /** The hook carries no status: a pause is a problem, payments resuming may resolve one. */
  private async paymentProcessStatus(hook: IncomingHook): Promise<HookOutcome> {
    const contractId = requireId(hook, 'ContractId');
    const contract = await this.state.contract(contractId);
    if (!contract) return this.noContract(hook, contractId);
    return contract.RecurringPaymentsPaused === true
      ? this.paymentProblem(hook, 'PaymentProcessStatusChanged', contract)
      : this.paymentResolution(hook, 'PaymentProcessStatusChanged', contract);
  }

  private async paymentProblem(
    hook: IncomingHook,
    event: PaymentProblemEvent,
    fetched?: Contract,
  ): Promise<HookOutcome> {
    let transaction: PaymentTransaction | undefined;
    let contractId: string;
    let triggerKey: string | undefined;
    if (event === 'PaymentFailed') {
      const transactionId = requireId(hook, 'PaymentTransactionId');
      transaction = await this.state.transaction(transactionId);
      contractId = transaction.ContractId;
      triggerKey = `PaymentFailed:${transactionId}`;
    } else {
      contractId = requireId(hook, 'ContractId', 'ContractID');
      const occurrence = idField(hook.body, 'PaymentEscalationProcessId', 'DunningId');
      if (occurrence) triggerKey = `${event}:${occurrence}`;
    }
    const contract = fetched ?? (await this.state.contract(contractId));
    if (!contract) return this.noContract(hook, contractId);
    const decide: Decide = async (store) =>
      decidePaymentProblem({
        event,
        contract,
        transaction,
        triggerKey,
        triggerSeen: triggerKey ? await store.cases.triggerSeen(triggerKey) : false,
        openCase: await openRecoveryCase(store, contract.Id),
        now: this.now(),
        stale: this.stale(hook),
      });
    return this.decideAndApply(hook, contract, decide, transactionFacts(transaction));
  }

  private async paymentResolution(
    hook: IncomingHook,
    event: PaymentResolutionEvent,
    fetched?: Contract,
  ): Promise<HookOutcome> {
    let transaction: PaymentTransaction | undefined;
    let contractId: string;
    if (event === 'PaymentSucceeded') {
      transaction = await this.state.transaction(requireId(hook, 'PaymentTransactionId'));
      contractId = transaction.ContractId;
    } else {
      contractId = requireId(hook, 'ContractId');
    }
    const contract = fetched ?? (await this.state.contract(contractId));
    if (!contract) return this.noContract(hook, contractId);
    const decide: Decide = async (store) =>
      decidePaymentResolution({
        event,
        contract,
        transaction,
        openCase: await openRecoveryCase(store, contract.Id),
        now: this.now(),
      });
    return this.decideAndApply(hook, contract, decide, transactionFacts(transaction));
  }

  /** Older than the stale threshold: a backlog replayed by a new deployment, or a late retry. */
  private stale(hook: IncomingHook): boolean {
    if (!hook.receivedAt) return false;
    return this.now().getTime() - hook.receivedAt.getTime() > this.settings.stalePaymentHookMs;
  }

  private async noContract(hook: IncomingHook, contractId: string): Promise<HookOutcome> {
    const summary = `${hook.event}: contract ${contractId} not found in billwerk; nothing to do`;
    await this.store.cases.appendTimeline(null, contractId, this.now().toISOString(), [
      hookEntry(hook),
      { type: 'decision', detail: { summary } },
    ]);
    return { relevant: true, summary };
  }

  /**
   * Decides (once outside to know whether contact data is needed, then again inside the
   * transaction against what is stored now) and applies the steps. A unique violation means a
   * concurrent instance handled the same thing first: the next round decides from its result.
   */
  private async decideAndApply(
    hook: IncomingHook,
    contract: Contract,
    decide: Decide,
    extraState?: Record<string, unknown>,
  ): Promise<HookOutcome> {
    const preview = await decide(this.store);
    const contact = preview.steps.some((step) => step.type === 'open-case')
      ? await this.state.contact(contract.CustomerId)
      : null;
    const state = { ...contractFacts(contract), ...extraState };
    for (let round = 1; ; round += 1) {
      try {
        const { decision, writes } = await this.store.transaction(async (store) => {
          const decision = await decide(store);
          const writes = new CaseWrites(store, this.now().toISOString());
          const touched = await applySteps(writes, contract, decision.steps, contact);
          const entries: TimelineEntry[] = [
            hookEntry(hook),
            { type: 'state', detail: state },
            { type: 'decision', detail: { summary: decision.summary } },
          ];
          if (touched.size === 0) {
            await store.cases.appendTimeline(null, contract.Id, writes.at, entries);
          }
          for (const [caseId, actions] of touched) {
            await store.cases.appendTimeline(caseId, contract.Id, writes.at, [
              ...entries,
              ...actions,
            ]);
          }
          return { decision, writes };
        });
        writes.notify(this.observer);
        return { relevant: true, summary: decision.summary };
      } catch (error) {
        if (round < ROUNDS && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }
}

async function openRecoveryCase(
  store: RetentionStore,
  contractId: string,
): Promise<CaseView | undefined> {
  const cases = await store.cases.ofContract(contractId, 'payment-recovery');
  return cases.find((c) => c.status === 'open');
}
