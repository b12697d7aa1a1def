import {
  BillwerkNotFoundError,
  type Contract,
  type Customer,
  type PaymentTransaction,
} from '@app/billwerk-api';
import { randomUUID } from 'node:crypto';
import { MoreThan, QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { fitContact } from '../domain/contact-fit';
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
import type { RetentionActionContact as ActionContact, RetentionActionData } from '@app/contracts';
import type {
  CaseKind,
  CaseOutcome,
  CaseView,
  Decision,
  PlannedAction,
  Step,
} from '../domain/retention-model';
import { OutboxEntity } from '../outbox/outbox.entity';
import { CaseEventEntity, type CaseEventType } from '../retention-case/case-event.entity';
import { RetentionCaseEntity } from '../retention-case/retention-case.entity';
import { TriggerEntity } from '../retention-case/trigger.entity';
import { UnusableHookError } from './workflow-errors';

export interface WorkflowSettings {
  rules: OfferRules;
  reminderDaysBeforeEnd: number;
  /** A payment-problem hook older than this acts only on a problem billwerk still shows. */
  stalePaymentHookMs: number;
}

/** Told about case changes once they are committed (metrics). Must not throw. */
export interface WorkflowObserver {
  caseOpened(kind: CaseKind): void;
  caseClosed(kind: CaseKind, outcome: CaseOutcome, openedAt: string, closedAt: string): void;
}

/** A billwerk hook as consumed: the event name and body of its CloudEvent. */
export interface IncomingHook {
  event: string;
  body: Readonly<Record<string, unknown>>;
  /** The CloudEvent id, for the timeline. */
  envelopeId: string;
  /** When the ingress received it (CloudEvent `time`); null when unknown. */
  receivedAt: Date | null;
}

export type HookOutcome = { relevant: false } | { relevant: true; summary: string };

interface TimelineEntry {
  type: CaseEventType;
  detail: Record<string, unknown>;
}

interface Committed {
  opened: CaseKind[];
  closed: Array<{ kind: CaseKind; outcome: CaseOutcome; openedAt: string; closedAt: string }>;
}

const WIN_BACK_EVENTS = new Set(['ContractCancelled', 'ContractChanged']);

/** Whether handling `event` asks billwerk for state (erasure and unrelated events do not). */
export function needsBillwerkState(event: string): boolean {
  return (
    WIN_BACK_EVENTS.has(event) ||
    event === 'TrialEndApproaching' ||
    (PAYMENT_PROBLEM_EVENTS as readonly string[]).includes(event) ||
    (PAYMENT_RESOLUTION_EVENTS as readonly string[]).includes(event)
  );
}

function idField(body: Readonly<Record<string, unknown>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function requireId(hook: IncomingHook, ...names: string[]): string {
  const id = idField(hook.body, ...names);
  if (!id) throw new UnusableHookError(`${hook.event} hook carries no ${names.join(' or ')}`);
  return id;
}

export function caseView(entity: RetentionCaseEntity): CaseView {
  return {
    id: entity.id,
    kind: entity.kind,
    status: entity.status,
    outcome: entity.outcome,
    endDate: entity.endDate,
    reasons: JSON.parse(entity.reasons) as string[],
  };
}

/** Non-personal facts of the fetched state, for the timeline. */
function contractFacts(contract: Contract): Record<string, unknown> {
  return {
    contractId: contract.Id,
    customerId: contract.CustomerId,
    planVariantId: contract.PlanVariantId ?? null,
    endDate: contract.EndDate ?? null,
    lifecycleStatus: contract.LifecycleStatus ?? null,
    phase: contract.CurrentPhase?.Type ?? null,
    recurringPaymentsPaused: contract.RecurringPaymentsPaused ?? null,
  };
}

function transactionFacts(
  transaction: PaymentTransaction | undefined,
): Record<string, unknown> | undefined {
  return transaction ? { transactionId: transaction.Id, status: transaction.Status } : undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: string } | undefined)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function contactOf(customer: Customer | null): ActionContact | null {
  if (!customer) return null;
  const person = [customer.FirstName, customer.LastName].filter(Boolean).join(' ');
  return {
    name: person || customer.CompanyName || customer.CustomerName || null,
    email: customer.EmailAddress ?? null,
    locale: customer.Locale ?? customer.Language ?? null,
  };
}

/**
 * Turns hooks into case changes. Every hook is a prompt to look: state is fetched from billwerk
 * and the pure deciders in `domain/` choose from it, so late, repeated or reordered hooks lead
 * to the same cases. Case rows, timeline, triggers and outbox rows change in one transaction;
 * unique keys make a concurrent duplicate fail, and it is then decided again from what won.
 */
export class WorkflowEngine {
  constructor(
    private readonly dataSource: DataSource,
    private readonly billwerk: BillwerkGateway,
    private readonly settings: WorkflowSettings,
    private readonly observer: WorkflowObserver,
    private readonly now: () => Date = () => new Date(),
    private readonly logger?: Logger,
  ) {}

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
      return this.erase(hook, { customerId: requireId(hook, 'CustomerId') });
    }
    if (event === 'ContractDeleted') {
      return this.erase(hook, { contractId: requireId(hook, 'ContractId') });
    }
    return { relevant: false };
  }

  private async winBack(hook: IncomingHook): Promise<HookOutcome> {
    const contract = await this.fetchContract(requireId(hook, 'ContractId'));
    if (!contract) return this.noContract(hook, requireId(hook, 'ContractId'));
    return this.decideAndApply(hook, contract, async (manager) => {
      const cases = await this.casesOf(manager, contract.Id, 'win-back');
      return decideWinBack({
        contract,
        cases,
        now: this.now(),
        rules: this.settings.rules,
        reminderDaysBeforeEnd: this.settings.reminderDaysBeforeEnd,
      });
    });
  }

  private async trialEnd(hook: IncomingHook): Promise<HookOutcome> {
    const contract = await this.fetchContract(requireId(hook, 'ContractId'));
    if (!contract) return this.noContract(hook, requireId(hook, 'ContractId'));
    return this.decideAndApply(hook, contract, () =>
      Promise.resolve(decideTrialEnd(contract, this.now())),
    );
  }

  /** The hook carries no status: a pause is a problem, payments resuming may resolve one. */
  private async paymentProcessStatus(hook: IncomingHook): Promise<HookOutcome> {
    const contract = await this.fetchContract(requireId(hook, 'ContractId'));
    if (!contract) return this.noContract(hook, requireId(hook, 'ContractId'));
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
      transaction = await this.billwerk.getPaymentTransaction(transactionId);
      contractId = transaction.ContractId;
      triggerKey = `PaymentFailed:${transactionId}`;
    } else {
      contractId = requireId(hook, 'ContractId', 'ContractID');
      const occurrence = idField(hook.body, 'PaymentEscalationProcessId', 'DunningId');
      if (occurrence) triggerKey = `${event}:${occurrence}`;
    }
    const contract = fetched ?? (await this.fetchContract(contractId));
    if (!contract) return this.noContract(hook, contractId);
    return this.decideAndApply(
      hook,
      contract,
      async (manager) => {
        const open = await this.openRecoveryCase(manager, contract.Id);
        const triggerSeen = triggerKey
          ? (await manager.countBy(TriggerEntity, { key: triggerKey })) > 0
          : false;
        return decidePaymentProblem({
          event,
          contract,
          transaction,
          triggerKey,
          triggerSeen,
          openCase: open,
          now: this.now(),
          stale: this.stale(hook),
        });
      },
      transactionFacts(transaction),
    );
  }

  private async paymentResolution(
    hook: IncomingHook,
    event: PaymentResolutionEvent,
    fetched?: Contract,
  ): Promise<HookOutcome> {
    let transaction: PaymentTransaction | undefined;
    let contractId: string;
    if (event === 'PaymentSucceeded') {
      transaction = await this.billwerk.getPaymentTransaction(
        requireId(hook, 'PaymentTransactionId'),
      );
      contractId = transaction.ContractId;
    } else {
      contractId = requireId(hook, 'ContractId');
    }
    const contract = fetched ?? (await this.fetchContract(contractId));
    if (!contract) return this.noContract(hook, contractId);
    return this.decideAndApply(
      hook,
      contract,
      async (manager) => {
        const open = await this.openRecoveryCase(manager, contract.Id);
        return decidePaymentResolution({
          event,
          contract,
          transaction,
          openCase: open,
          now: this.now(),
        });
      },
      transactionFacts(transaction),
    );
  }

  /** Older than the stale threshold: a backlog replayed by a new deployment, or a late retry. */
  private stale(hook: IncomingHook): boolean {
    if (!hook.receivedAt) return false;
    return this.now().getTime() - hook.receivedAt.getTime() > this.settings.stalePaymentHookMs;
  }

  /** Deletion is final, so nothing is fetched: cases close and personal data goes; ids stay. */
  private async erase(
    hook: IncomingHook,
    scope: { customerId: string } | { contractId: string },
  ): Promise<HookOutcome> {
    const committed: Committed = { opened: [], closed: [] };
    const summary = await this.dataSource.transaction(async (manager) => {
      const at = this.now().toISOString();
      const cases = await manager.find(RetentionCaseEntity, { where: scope });
      for (const entity of cases) {
        if (entity.status === 'open') {
          await this.closeCase(manager, entity, 'erased', at, [], committed);
        }
        await manager.update(
          RetentionCaseEntity,
          { id: entity.id },
          { contactName: null, contactEmail: null, contactLocale: null, personalDataErased: true },
        );
        await this.eraseOutbox(manager, entity.id);
        await this.timeline(manager, entity.id, entity.contractId, at, [
          { type: 'hook', detail: { event: hook.event, envelopeId: hook.envelopeId } },
          { type: 'decision', detail: { summary: 'personal data erased' } },
        ]);
      }
      if (cases.length === 0) {
        await this.timeline(manager, null, 'contractId' in scope ? scope.contractId : null, at, [
          { type: 'hook', detail: { event: hook.event, envelopeId: hook.envelopeId } },
        ]);
      }
      return `${hook.event}: ${cases.length} case(s) erased`;
    });
    this.notify(committed);
    return { relevant: true, summary };
  }

  private async eraseOutbox(manager: EntityManager, caseId: string): Promise<void> {
    const rows = await manager.find(OutboxEntity, { where: { caseId } });
    for (const row of rows) {
      const data = JSON.parse(row.payload) as RetentionActionData;
      data.contact = null;
      await manager.update(
        OutboxEntity,
        { id: row.id },
        {
          payload: JSON.stringify(data),
          status: row.status === 'pending' ? 'cancelled' : row.status,
        },
      );
    }
  }

  private async fetchContract(contractId: string): Promise<Contract | null> {
    try {
      return await this.billwerk.getContract(contractId);
    } catch (error) {
      if (error instanceof BillwerkNotFoundError) return null;
      throw error;
    }
  }

  private async fetchContact(customerId: string): Promise<ActionContact | null> {
    let contact: ActionContact | null;
    try {
      contact = contactOf(await this.billwerk.getCustomer(customerId));
    } catch (error) {
      if (error instanceof BillwerkNotFoundError) return null;
      throw error;
    }
    if (!contact) return null;
    const fitted = fitContact(contact);
    for (const adjustment of fitted.adjustments) {
      this.logger?.warn(
        { customerId, ...adjustment },
        adjustment.action === 'cut'
          ? 'billwerk value longer than its column: cut to fit'
          : 'billwerk value longer than its column: not stored',
      );
    }
    return fitted.contact;
  }

  private async noContract(hook: IncomingHook, contractId: string): Promise<HookOutcome> {
    const summary = `${hook.event}: contract ${contractId} not found in billwerk; nothing to do`;
    await this.dataSource.transaction((manager) =>
      this.timeline(manager, null, contractId, this.now().toISOString(), [
        { type: 'hook', detail: { event: hook.event, envelopeId: hook.envelopeId } },
        { type: 'decision', detail: { summary } },
      ]),
    );
    return { relevant: true, summary };
  }

  private async openRecoveryCase(
    manager: EntityManager,
    contractId: string,
  ): Promise<CaseView | undefined> {
    const cases = await this.casesOf(manager, contractId, 'payment-recovery');
    return cases.find((c) => c.status === 'open');
  }

  private async casesOf(
    manager: EntityManager,
    contractId: string,
    kind: CaseKind,
  ): Promise<CaseView[]> {
    const rows = await manager.find(RetentionCaseEntity, {
      where: { contractId, kind },
      order: { openedAt: 'ASC' },
    });
    return rows.map(caseView);
  }

  /**
   * Decides (once outside to know whether contact data is needed, then again inside the
   * transaction against what is stored now) and applies the steps. A unique violation means a
   * concurrent instance handled the same thing first: the second round decides from its result.
   */
  private async decideAndApply(
    hook: IncomingHook,
    contract: Contract,
    decide: (manager: EntityManager) => Promise<Decision>,
    extraState?: Record<string, unknown>,
  ): Promise<HookOutcome> {
    const preview = await decide(this.dataSource.manager);
    const contact = preview.steps.some((step) => step.type === 'open-case')
      ? await this.fetchContact(contract.CustomerId)
      : null;
    const state = { ...contractFacts(contract), ...extraState };
    for (let round = 1; ; round += 1) {
      const committed: Committed = { opened: [], closed: [] };
      try {
        const decision = await this.dataSource.transaction(async (manager) => {
          const current = await decide(manager);
          const at = this.now().toISOString();
          const touched = await this.apply(
            manager,
            contract,
            current.steps,
            contact,
            at,
            committed,
          );
          const entries: TimelineEntry[] = [
            { type: 'hook', detail: { event: hook.event, envelopeId: hook.envelopeId } },
            { type: 'state', detail: state },
            { type: 'decision', detail: { summary: current.summary } },
          ];
          if (touched.size === 0) await this.timeline(manager, null, contract.Id, at, entries);
          for (const [caseId, actions] of touched) {
            await this.timeline(manager, caseId, contract.Id, at, [...entries, ...actions]);
          }
          return current;
        });
        this.notify(committed);
        return { relevant: true, summary: decision.summary };
      } catch (error) {
        if (round < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /** Applies steps; returns the touched case ids with the action entries for their timeline. */
  private async apply(
    manager: EntityManager,
    contract: Contract,
    steps: Step[],
    contact: ActionContact | null,
    at: string,
    committed: Committed,
  ): Promise<Map<string, TimelineEntry[]>> {
    const touched = new Map<string, TimelineEntry[]>();
    const touch = (caseId: string): TimelineEntry[] => {
      const entries = touched.get(caseId) ?? [];
      touched.set(caseId, entries);
      return entries;
    };
    for (const step of steps) {
      switch (step.type) {
        case 'open-case': {
          // A trial already nudged, or a case opened by a concurrent instance: nothing to add.
          if ((await manager.countBy(RetentionCaseEntity, { dedupKey: step.dedupKey })) > 0) break;
          const entity = manager.create(RetentionCaseEntity, {
            id: randomUUID(),
            kind: step.kind,
            status: step.closeWith ? 'closed' : 'open',
            outcome: step.closeWith ?? null,
            contractId: contract.Id,
            customerId: contract.CustomerId ?? null,
            dedupKey: step.dedupKey,
            reason: step.reason,
            reasons: JSON.stringify([step.reason]),
            endDate: step.endDate,
            planVariantId: step.planVariantId,
            offerDiscountId: step.offer?.discountId ?? null,
            offerClaimedAt: null,
            contactName: contact?.name ?? null,
            contactEmail: contact?.email ?? null,
            contactLocale: contact?.locale ?? null,
            personalDataErased: false,
            openedAt: at,
            closedAt: step.closeWith ? at : null,
          });
          await manager.insert(RetentionCaseEntity, entity);
          if (step.triggerKey) await this.remember(manager, step.triggerKey, entity.id, at);
          const entries = touch(entity.id);
          for (const action of step.actions) {
            entries.push(await this.enqueue(manager, entity, action, at));
          }
          committed.opened.push(step.kind);
          if (step.closeWith) {
            committed.closed.push({
              kind: step.kind,
              outcome: step.closeWith,
              openedAt: at,
              closedAt: at,
            });
          }
          break;
        }
        case 'close-case': {
          const entity = await manager.findOneByOrFail(RetentionCaseEntity, { id: step.caseId });
          const entries = touch(entity.id);
          entries.push(
            ...(await this.closeCase(manager, entity, step.outcome, at, step.actions, committed)),
          );
          break;
        }
        case 'add-action': {
          const entity = await manager.findOneByOrFail(RetentionCaseEntity, { id: step.caseId });
          const reasons = JSON.parse(entity.reasons) as string[];
          if (!reasons.includes(step.action.reason)) {
            reasons.push(step.action.reason);
            await manager.update(
              RetentionCaseEntity,
              { id: entity.id },
              { reasons: JSON.stringify(reasons) },
            );
          }
          if (step.triggerKey) await this.remember(manager, step.triggerKey, entity.id, at);
          touch(entity.id).push(await this.enqueue(manager, entity, step.action, at));
          break;
        }
        case 'remember-trigger':
          await this.remember(manager, step.triggerKey, step.caseId, at);
          touch(step.caseId);
          break;
      }
    }
    return touched;
  }

  /**
   * Closes an open case for an operator or the offer flow; false when it was not open.
   * `detail` goes to the timeline.
   */
  async closeOpenCase(
    caseId: string,
    outcome: CaseOutcome,
    detail: Record<string, unknown>,
  ): Promise<boolean> {
    const committed: Committed = { opened: [], closed: [] };
    await this.dataSource.transaction(async (manager) => {
      const entity = await manager.findOneBy(RetentionCaseEntity, { id: caseId });
      if (!entity) return;
      const at = this.now().toISOString();
      const entries = await this.closeCase(manager, entity, outcome, at, [], committed);
      if (entries.length === 0) return;
      await this.timeline(manager, caseId, entity.contractId, at, [
        { type: 'operator', detail },
        ...entries,
      ]);
    });
    this.notify(committed);
    return committed.closed.length > 0;
  }

  /** Closes an open case (a no-op when another transaction closed it first). */
  private async closeCase(
    manager: EntityManager,
    entity: RetentionCaseEntity,
    outcome: CaseOutcome,
    at: string,
    actions: PlannedAction[],
    committed: Committed,
  ): Promise<TimelineEntry[]> {
    const result = await manager.update(
      RetentionCaseEntity,
      { id: entity.id, status: 'open' },
      {
        status: 'closed',
        outcome,
        closedAt: at,
        dedupKey: entity.kind === 'trial-conversion' ? entity.dedupKey : null,
      },
    );
    if (!result.affected) return [];
    // Only actions scheduled for later are cancelled: one already due (e.g. the request of a
    // recovery case closed before the relay's next round) still goes out, before the closing one.
    const cancelled = await manager.update(
      OutboxEntity,
      { caseId: entity.id, status: 'pending', dueAt: MoreThan(at) },
      { status: 'cancelled' },
    );
    const entries: TimelineEntry[] = [
      { type: 'decision', detail: { closed: outcome, cancelledActions: cancelled.affected ?? 0 } },
    ];
    for (const action of actions) entries.push(await this.enqueue(manager, entity, action, at));
    committed.closed.push({ kind: entity.kind, outcome, openedAt: entity.openedAt, closedAt: at });
    return entries;
  }

  private async remember(
    manager: EntityManager,
    key: string,
    caseId: string,
    at: string,
  ): Promise<void> {
    if ((await manager.countBy(TriggerEntity, { key })) > 0) return;
    await manager.insert(TriggerEntity, { key, caseId, seenAt: at });
  }

  /** Queues an action once: its key names the case (and the reason, for recovery requests). */
  private async enqueue(
    manager: EntityManager,
    entity: RetentionCaseEntity,
    action: PlannedAction,
    at: string,
  ): Promise<TimelineEntry> {
    const actionKey =
      action.type === 'PaymentRecoveryRequested'
        ? `${action.type}:${entity.id}:${action.reason}`
        : `${action.type}:${entity.id}`;
    const dueAt = action.dueAt.toISOString();
    const data: RetentionActionData = {
      action: action.type,
      caseId: entity.id,
      caseKind: entity.kind,
      reason: action.reason,
      contractId: entity.contractId,
      customerId: entity.customerId,
      planVariantId: entity.planVariantId,
      offer: entity.offerDiscountId ? { discountId: entity.offerDiscountId } : null,
      endDate: entity.endDate,
      dueAt,
      contact: entity.personalDataErased
        ? null
        : { name: entity.contactName, email: entity.contactEmail, locale: entity.contactLocale },
    };
    if ((await manager.countBy(OutboxEntity, { actionKey })) > 0) {
      return { type: 'action', detail: { action: action.type, actionKey, queued: false } };
    }
    const id = randomUUID();
    await manager.insert(OutboxEntity, {
      id,
      actionKey,
      caseId: entity.id,
      contractId: entity.contractId,
      type: action.type,
      payload: JSON.stringify(data),
      status: 'pending',
      createdAt: at,
      dueAt,
      publishedAt: null,
      claimedUntil: null,
    });
    return { type: 'action', detail: { action: action.type, actionId: id, dueAt, queued: true } };
  }

  private async timeline(
    manager: EntityManager,
    caseId: string | null,
    contractId: string | null,
    at: string,
    entries: TimelineEntry[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await manager.insert(
      CaseEventEntity,
      entries.map((entry) => ({
        caseId,
        contractId,
        at,
        type: entry.type,
        detail: JSON.stringify(entry.detail),
      })),
    );
  }

  /** Closes open win-back cases whose EndDate has passed; the scheduler calls it. */
  async closeLapsedWinBacks(): Promise<number> {
    const at = this.now().toISOString();
    const lapsed = await this.dataSource.manager
      .createQueryBuilder(RetentionCaseEntity, 'c')
      .where('c.status = :open AND c.kind = :kind AND c.endDate <= :at', {
        open: 'open',
        kind: 'win-back',
        at,
      })
      .getMany();
    let closed = 0;
    for (const entity of lapsed) {
      const committed: Committed = { opened: [], closed: [] };
      await this.dataSource.transaction(async (manager) => {
        const entries = await this.closeCase(manager, entity, 'lost', at, [], committed);
        if (entries.length === 0) return;
        await this.timeline(manager, entity.id, entity.contractId, at, [
          { type: 'decision', detail: { summary: `EndDate ${entity.endDate} has passed: lost` } },
          ...entries,
        ]);
      });
      closed += committed.closed.length;
      this.notify(committed);
    }
    return closed;
  }

  private notify(committed: Committed): void {
    for (const kind of committed.opened) this.observer.caseOpened(kind);
    for (const c of committed.closed)
      this.observer.caseClosed(c.kind, c.outcome, c.openedAt, c.closedAt);
  }
}
