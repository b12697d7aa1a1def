import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { ChainProblem, CheckpointState } from './chain-verifier';

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

export class VerifyQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'true: read every chain from its first row. Otherwise each partition is read from the last row an earlier call verified (the first call after start reads everything).',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  full?: 'true' | 'false';
}

const PROBLEMS: ChainProblem[] = [
  'HASH_MISMATCH',
  'UNKNOWN_KEY',
  'MISSING_VALUE',
  'DATA_MISMATCH',
  'UNKEYED_AFTER_KEYED',
  'VERIFIED_ROW_CHANGED',
];

export class BrokenLinkDto {
  @ApiProperty() offset!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null when the row is gone' })
  storedHash!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Null when it cannot be computed (unknown key, missing value)',
  })
  expectedHash!: string | null;
  @ApiProperty({
    enum: PROBLEMS,
    description:
      'HASH_MISMATCH: the row, its predecessor or rows between them were changed or removed; UNKNOWN_KEY: a key id this app was not given; MISSING_VALUE: a keyed row without its value; DATA_MISMATCH: `data` differs from the value; UNKEYED_AFTER_KEYED: an unkeyed row after keyed ones; VERIFIED_ROW_CHANGED: a row an earlier call verified was changed or removed since',
  })
  problem!: ChainProblem;
}

export class RowPositionDto {
  @ApiProperty({ description: "The row's seq (decimal)" }) seq!: string;
  @ApiProperty({ description: 'Its Kafka offset (decimal)' }) offset!: string;
  @ApiProperty() hash!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null: a legacy unkeyed row' })
  keyId!: string | null;
}

export class CheckpointComparisonDto extends RowPositionDto {
  @ApiProperty({ format: 'date-time', description: 'When the checkpoint was written' })
  at!: string;
  @ApiProperty({
    enum: ['MATCHED', 'TRUNCATED', 'ROW_REMOVED', 'HASH_DIFFERS'],
    description:
      'MATCHED: the checkpointed row is there with its hash (the table may be ahead); TRUNCATED: the table head is behind the checkpoint, rows were removed from the end; ROW_REMOVED: the checkpointed row is gone; HASH_DIFFERS: it was rewritten',
  })
  state!: CheckpointState;
}

export class ChainReportDto {
  @ApiProperty() topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty({ description: 'The chain links up and matches its checkpoint' }) ok!: boolean;
  @ApiProperty({ description: 'Rows read by this call' }) rowsChecked!: number;
  @ApiProperty({ description: 'Rows verified since the last full verify, this call included' })
  rowsVerified!: number;
  @ApiProperty({ description: 'Of those, legacy rows of the unkeyed SHA-256 chain' })
  legacyRows!: number;
  @ApiProperty({ description: 'Broken links since the last full verify (they stay reported)' })
  brokenLinks!: number;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) firstBrokenLink!: BrokenLinkDto | null;
  @ApiProperty({ type: RowPositionDto, nullable: true, description: 'The newest row verified' })
  head!: RowPositionDto | null;
  @ApiProperty({
    type: CheckpointComparisonDto,
    nullable: true,
    description: "The partition's latest checkpoint and how the table compares; null: none",
  })
  checkpoint!: CheckpointComparisonDto | null;
}

export class CheckpointsReadDto {
  @ApiProperty({ description: 'The checkpoint topic was read to its end' }) read!: boolean;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ description: "Records under this log's keys that are no checkpoint" })
  malformed!: number;
}

export class VerifyReportDto {
  @ApiProperty({
    description:
      'True when every chain links up, every checkpoint matches and the checkpoints could be read',
  })
  ok!: boolean;
  @ApiProperty({ description: 'Every chain was read from its first row' }) full!: boolean;
  @ApiProperty({ type: CheckpointsReadDto }) checkpoints!: CheckpointsReadDto;
  @ApiProperty({ type: [ChainReportDto] }) partitions!: ChainReportDto[];
}
