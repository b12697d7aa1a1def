import { BillwerkUnavailableError } from '@app/billwerk-api';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, IsNull, type FindOptionsWhere } from 'typeorm';
import type { BillwerkGateway } from '../domain/billwerk-gateway';
import { OutboxEntity } from '../outbox/outbox.entity';
import { BILLWERK_GATEWAY, RETENTION_LOGGER } from '../retention.tokens';
import { WorkflowEngine } from '../workflow/workflow-engine';
import { CaseEventEntity } from './case-event.entity';
import type { CaseDetailDto, CaseDto, CloseCaseDto, ListCasesQueryDto } from './retention-case.dto';
import { RetentionCaseEntity } from './retention-case.entity';
import { CaseConflictError, CaseNotFoundError } from './retention-case.errors';

function toDto(entity: RetentionCaseEntity): CaseDto {
  return {
    id: entity.id,
    kind: entity.kind,
    status: entity.status,
    outcome: entity.outcome,
    contractId: entity.contractId,
    customerId: entity.customerId,
    reason: entity.reason,
    reasons: JSON.parse(entity.reasons) as string[],
    endDate: entity.endDate,
    planVariantId: entity.planVariantId,
    offer: entity.offerDiscountId ? { discountId: entity.offerDiscountId } : null,
    contact: entity.personalDataErased
      ? null
      : { name: entity.contactName, email: entity.contactEmail, locale: entity.contactLocale },
    openedAt: entity.openedAt,
    closedAt: entity.closedAt,
  };
}

/** Queries and operator commands on cases. */
@Injectable()
export class RetentionCaseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    @Inject(BILLWERK_GATEWAY) private readonly billwerk: BillwerkGateway,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
  ) {}

  async list(query: ListCasesQueryDto): Promise<CaseDto[]> {
    const where: FindOptionsWhere<RetentionCaseEntity> = {};
    if (query.status) where.status = query.status;
    if (query.kind) where.kind = query.kind;
    if (query.contractId) where.contractId = query.contractId;
    if (query.customerId) where.customerId = query.customerId;
    const rows = await this.dataSource.manager.find(RetentionCaseEntity, {
      where,
      order: { openedAt: 'DESC', id: 'ASC' },
      take: query.limit ?? 100,
      skip: query.offset ?? 0,
    });
    return rows.map(toDto);
  }

  async get(id: string): Promise<CaseDetailDto> {
    const entity = await this.find(id);
    const events = await this.dataSource.manager.find(CaseEventEntity, {
      where: { caseId: id },
      order: { id: 'ASC' },
    });
    const actions = await this.dataSource.manager.find(OutboxEntity, {
      where: { caseId: id },
      order: { createdAt: 'ASC', dueAt: 'ASC' },
    });
    return {
      ...toDto(entity),
      timeline: events.map((event) => ({
        at: event.at,
        type: event.type,
        detail: JSON.parse(event.detail) as Record<string, unknown>,
      })),
      actions: actions.map((action) => ({
        id: action.id,
        type: action.type,
        status: action.status,
        dueAt: action.dueAt,
        publishedAt: action.publishedAt,
      })),
    };
  }

  /**
   * Applies the case's discount through billwerk and closes it `offer-applied`. The case is
   * claimed first, so two requests cannot both apply it. billwerk's POST is not idempotent: when
   * it did not answer, the claim stays and the operator checks billwerk before closing by hand.
   */
  async applyOffer(id: string): Promise<CaseDetailDto> {
    const entity = await this.find(id);
    if (entity.kind !== 'win-back' || entity.status !== 'open') {
      throw new CaseConflictError(`case ${id} is not an open win-back case`);
    }
    if (!entity.offerDiscountId) throw new CaseConflictError(`case ${id} has no offer`);
    const claimed = await this.dataSource.manager.update(
      RetentionCaseEntity,
      { id, status: 'open', offerClaimedAt: IsNull() },
      { offerClaimedAt: new Date().toISOString() },
    );
    if (!claimed.affected) {
      throw new CaseConflictError(`the offer of case ${id} is already being applied`);
    }
    let subscriptionId: string;
    try {
      const subscription = await this.billwerk.applyDiscount(entity.contractId, {
        DiscountId: entity.offerDiscountId,
      });
      subscriptionId = subscription.Id;
    } catch (error) {
      if (!(error instanceof BillwerkUnavailableError)) {
        await this.dataSource.manager.update(RetentionCaseEntity, { id }, { offerClaimedAt: null });
      }
      throw error;
    }
    await this.engine.closeOpenCase(id, 'offer-applied', {
      command: 'apply-offer',
      discountId: entity.offerDiscountId,
      discountSubscriptionId: subscriptionId,
    });
    this.logger.info({ caseId: id, contractId: entity.contractId }, 'retention offer applied');
    return this.get(id);
  }

  async close(id: string, body: CloseCaseDto): Promise<CaseDetailDto> {
    await this.find(id);
    const closed = await this.engine.closeOpenCase(id, 'closed-manually', {
      command: 'close',
      note: body.note ?? null,
    });
    if (!closed) throw new CaseConflictError(`case ${id} is not open`);
    return this.get(id);
  }

  private async find(id: string): Promise<RetentionCaseEntity> {
    const entity = await this.dataSource.manager.findOneBy(RetentionCaseEntity, { id });
    if (!entity) throw new CaseNotFoundError(id);
    return entity;
  }
}
