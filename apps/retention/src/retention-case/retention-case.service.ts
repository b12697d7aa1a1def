import { BillwerkUnavailableError } from '@app/billwerk-api';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import type { CaseFilter, CaseRecord } from '../persistence/records';
import { RetentionStore } from '../persistence/retention-store';
import { BILLWERK_GATEWAY, RETENTION_LOGGER } from '../retention.tokens';
import { CaseCloser } from '../workflow/case-closer';
import type { CaseDetailDto, CaseDto, CloseCaseDto, ListCasesQueryDto } from './retention-case.dto';
import { CaseConflictError, CaseNotFoundError } from './retention-case.errors';

/** The case as the API shows it: the offer by its discount, no dedup key or offer claim. */
function toDto(record: CaseRecord): CaseDto {
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    outcome: record.outcome,
    contractId: record.contractId,
    customerId: record.customerId,
    reason: record.reason,
    reasons: record.reasons,
    endDate: record.endDate,
    planVariantId: record.planVariantId,
    offer: record.offerDiscountId ? { discountId: record.offerDiscountId } : null,
    contact: record.contact,
    openedAt: record.openedAt,
    closedAt: record.closedAt,
  };
}

/** Queries and operator commands on cases. */
@Injectable()
export class RetentionCaseService {
  constructor(
    private readonly store: RetentionStore,
    private readonly closer: CaseCloser,
    @Inject(BILLWERK_GATEWAY) private readonly billwerk: BillwerkGateway,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
  ) {}

  async list(query: ListCasesQueryDto): Promise<CaseDto[]> {
    const filter: CaseFilter = {};
    if (query.status) filter.status = query.status;
    if (query.kind) filter.kind = query.kind;
    if (query.contractId) filter.contractId = query.contractId;
    if (query.customerId) filter.customerId = query.customerId;
    const rows = await this.store.cases.list(filter, {
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    return rows.map(toDto);
  }

  async get(id: string): Promise<CaseDetailDto> {
    const record = await this.find(id);
    return {
      ...toDto(record),
      timeline: await this.store.cases.timelineOf(id),
      actions: await this.store.outbox.ofCase(id),
    };
  }

  /**
   * Applies the case's discount through billwerk and closes it `offer-applied`. The case is
   * claimed first, so two requests cannot both apply it. billwerk's POST is not idempotent: when
   * it did not answer, the claim stays and the operator checks billwerk before closing by hand.
   */
  async applyOffer(id: string): Promise<CaseDetailDto> {
    const record = await this.find(id);
    if (record.kind !== 'win-back' || record.status !== 'open') {
      throw new CaseConflictError(`case ${id} is not an open win-back case`);
    }
    const discountId = record.offerDiscountId;
    if (!discountId) throw new CaseConflictError(`case ${id} has no offer`);
    if (!(await this.store.cases.claimOffer(id, new Date().toISOString()))) {
      throw new CaseConflictError(`the offer of case ${id} is already being applied`);
    }
    let subscriptionId: string;
    try {
      const subscription = await this.billwerk.applyDiscount(record.contractId, {
        DiscountId: discountId,
      });
      subscriptionId = subscription.Id;
    } catch (error) {
      if (!(error instanceof BillwerkUnavailableError)) {
        await this.store.cases.releaseOffer(id);
      }
      throw error;
    }
    await this.closer.closeOpenCase(id, 'offer-applied', {
      command: 'apply-offer',
      discountId,
      discountSubscriptionId: subscriptionId,
    });
    this.logger.info({ caseId: id, contractId: record.contractId }, 'retention offer applied');
    return this.get(id);
  }

  async close(id: string, body: CloseCaseDto): Promise<CaseDetailDto> {
    await this.find(id);
    const closed = await this.closer.closeOpenCase(id, 'closed-manually', {
      command: 'close',
      note: body.note ?? null,
    });
    if (!closed) throw new CaseConflictError(`case ${id} is not open`);
    return this.get(id);
  }

  private async find(id: string): Promise<CaseRecord> {
    const record = await this.store.cases.find(id);
    if (!record) throw new CaseNotFoundError(id);
    return record;
  }
}
