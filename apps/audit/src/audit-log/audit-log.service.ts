import { Injectable } from '@nestjs/common';
import type { AuditEventEntity } from './audit-event.entity';
import { decodeCursor, encodeCursor } from './audit-cursor';
import type {
  AuditEventDto,
  AuditEventPageDto,
  CustomerTimelineDto,
  ExportQueryDto,
  ListEventsQueryDto,
  PageQueryDto,
  VerifyQueryDto,
  VerifyReportDto,
} from './audit-log.dto';
import { AuditEventNotFoundError } from './audit-log.errors';
import { AuditLogRepository } from './audit-log.repository';
import { ChainVerifier } from './chain-verifier';

function toView(row: AuditEventEntity): AuditEventDto {
  const view: Partial<AuditEventEntity> & AuditEventDto = {
    ...row,
    value: row.rawValue,
    keyId: row.chainKeyId,
  };
  // The row's sequence number is an internal position; cursors carry it opaquely.
  delete view.seq;
  delete view.rawValue;
  delete view.chainKeyId;
  return view;
}

/** Normalises an ISO 8601 bound so both databases compare it like their stored times. */
function isoBound(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

/** Read side of the audit log: what the query API answers. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly verifier: ChainVerifier,
  ) {}

  async list(query: ListEventsQueryDto): Promise<AuditEventPageDto> {
    const page = await this.repository.page({
      customerId: query.customerId,
      contractId: query.contractId,
      type: query.type,
      source: query.source,
      from: isoBound(query.from),
      to: isoBound(query.to),
      order: query.order,
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.order),
    });
    return {
      items: page.items.map(toView),
      nextCursor: page.next === undefined ? null : encodeCursor(page.next, query.order),
    };
  }

  async get(eventId: string): Promise<AuditEventDto> {
    const row = await this.repository.findByEventId(eventId);
    if (row === null) throw new AuditEventNotFoundError(eventId);
    return toView(row);
  }

  async timeline(customerId: string, query: PageQueryDto): Promise<CustomerTimelineDto> {
    return { customerId, ...(await this.list({ ...query, customerId })) };
  }

  /** One JSON document per line, read a chunk at a time. */
  async *exportLines(query: ExportQueryDto): AsyncGenerator<string> {
    const rows = this.repository.stream({
      from: isoBound(query.from),
      to: isoBound(query.to),
      type: query.type,
    });
    for await (const row of rows) yield `${JSON.stringify(toView(row))}\n`;
  }

  verify(query: VerifyQueryDto): Promise<VerifyReportDto> {
    return this.verifier.verify({ full: query.full === 'true' });
  }
}
