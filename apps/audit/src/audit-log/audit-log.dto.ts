import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { LinkProblem } from './chain-check';

export const MAX_PAGE_SIZE = 1000;
const MAX_TEXT = 512;
const ISO = { strict: true, strictSeparator: true };
/** An optional free-text parameter (ids, names): bounded so no one sends megabytes. */
function OptionalText(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description }),
    IsOptional(),
    IsString({ message: 'must be a string' }),
    Length(1, MAX_TEXT, { message: `must be 1 to ${MAX_TEXT} characters` }),
  );
}

/** A path parameter naming one thing (event id, customer id). */
export class EventIdParamDto {
  @ApiProperty({ description: 'The CloudEvents id' })
  @Length(1, MAX_TEXT, { message: `must be 1 to ${MAX_TEXT} characters` })
  id!: string;
}

export class CustomerIdParamDto {
  @ApiProperty({ description: 'billwerk CustomerId' })
  @Length(1, MAX_TEXT, { message: `must be 1 to ${MAX_TEXT} characters` })
  customerId!: string;
}

const ISO_MESSAGE = { message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' };

/** Parameters of a page of events. */
export class PageQueryDto {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'must be asc or desc' })
  order: 'asc' | 'desc' = 'asc';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1, { message: 'must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `must be at most ${MAX_PAGE_SIZE}` })
  limit: number = 100;

  @OptionalText("Opaque: the previous page's nextCursor")
  cursor?: string;
}

/** Shared by the event list and the export. */
export class TimeRangeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Inclusive lower bound on the receipt time (ISO 8601)' })
  @IsOptional()
  @IsISO8601(ISO, ISO_MESSAGE)
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound on the receipt time (ISO 8601)' })
  @IsOptional()
  @IsISO8601(ISO, ISO_MESSAGE)
  to?: string;

  @OptionalText('CloudEvents type, e.g. billwerk.ContractChanged')
  type?: string;
}

export class ListEventsQueryDto extends TimeRangeQueryDto {
  @OptionalText('billwerk CustomerId (or CustomerID) of the hook')
  customerId?: string;

  @OptionalText('billwerk ContractId (or ContractID) of the hook')
  contractId?: string;

  @OptionalText('CloudEvents source, e.g. billwerk/default')
  source?: string;
}

export class ExportQueryDto {
  @ApiProperty({ description: 'Inclusive lower bound on the receipt time (ISO 8601)' })
  @IsISO8601(ISO, ISO_MESSAGE)
  from!: string;

  @ApiProperty({ description: 'Exclusive upper bound on the receipt time (ISO 8601)' })
  @IsISO8601(ISO, ISO_MESSAGE)
  to!: string;

  @OptionalText('CloudEvents type, e.g. billwerk.ContractChanged')
  type?: string;
}

export class AuditEventDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ nullable: true, type: String }) contractId!: string | null;
  @ApiProperty({ nullable: true, type: String }) customerId!: string | null;
  @ApiProperty() topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty({ description: 'Kafka offset (decimal string)' }) offset!: string;
  @ApiProperty({ format: 'date-time' }) kafkaTimestamp!: string;
  @ApiProperty({ format: 'date-time', description: 'When the ingress received the hook' })
  receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the audit app stored it' })
  recordedAt!: string;
  @ApiProperty() retryCount!: number;
  @ApiProperty({ description: 'The hook body as billwerk sent it', type: Object, nullable: true })
  data!: unknown;
  @ApiProperty({ type: Object }) headers!: Record<string, string | string[]>;
  @ApiProperty({
    description:
      'HMAC-SHA-256 (key `keyId`) over the previous row of the same partition, the columns and the value as consumed; SHA-256 over the columns for legacy rows (`keyId` null)',
  })
  hash!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The chain key of `hash`; null for legacy rows of the unkeyed SHA-256 chain',
  })
  keyId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The Kafka record value exactly as consumed, as a JSON string holding its text byte for byte (large integers and number spellings such as 1.50 intact; parse it with a lossless JSON parser if you need them). `data` is the same body parsed, with numbers as doubles. Null for rows stored before values were kept.',
  })
  value!: string | null;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items!: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String, description: 'null on the last page' })
  nextCursor!: string | null;
}

export class CustomerTimelineDto extends AuditEventPageDto {
  @ApiProperty() customerId!: string;
}

export class BrokenLinkDto {
  @ApiProperty() offset!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() storedHash!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null when it cannot be computed (unknown key, missing value)',
  })
  expectedHash!: string | null;
  @ApiProperty({
    enum: ['HASH_MISMATCH', 'UNKNOWN_KEY', 'MISSING_VALUE', 'DATA_MISMATCH', 'UNKEYED_AFTER_KEYED'],
    description:
      'HASH_MISMATCH: the row, its predecessor or rows between them were changed or removed; UNKNOWN_KEY: a key id this app was not given; MISSING_VALUE: a keyed row without its value; DATA_MISMATCH: `data` differs from the value; UNKEYED_AFTER_KEYED: an unkeyed row after keyed ones',
  })
  problem!: LinkProblem;
}

export class ChainReportDto {
  @ApiProperty() topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty() rowsChecked!: number;
  @ApiProperty() brokenLinks!: number;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) firstBrokenLink!: BrokenLinkDto | null;
}

export class VerifyReportDto {
  @ApiProperty({ description: 'True when every chain is intact' }) ok!: boolean;
  @ApiProperty({ type: [ChainReportDto] }) partitions!: ChainReportDto[];
}
