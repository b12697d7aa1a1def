import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CASE_KINDS, CASE_OUTCOMES, CASE_STATUSES } from '../domain/retention-model';
import type { CaseKind, CaseOutcome, CaseStatus } from '../domain/retention-model';

const ID = /^[A-Za-z0-9-]{1,64}$/;

export class ListCasesQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: CASE_KINDS })
  @IsOptional()
  @IsIn(CASE_KINDS)
  kind?: CaseKind;

  @ApiPropertyOptional({ description: 'billwerk ContractId' })
  @IsOptional()
  @Matches(ID)
  contractId?: string;

  @ApiPropertyOptional({ description: 'billwerk CustomerId' })
  @IsOptional()
  @Matches(ID)
  customerId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class CloseCaseDto {
  @ApiPropertyOptional({ description: 'Why the case is closed by hand (kept in the timeline)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class OfferDto {
  @ApiProperty({ description: 'billwerk DiscountId' })
  discountId!: string;
}

export class ContactDto {
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) locale!: string | null;
}

export class CaseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CASE_KINDS }) kind!: CaseKind;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ enum: CASE_OUTCOMES, nullable: true }) outcome!: CaseOutcome | null;
  @ApiProperty() contractId!: string;
  @ApiProperty({ nullable: true, type: String }) customerId!: string | null;
  @ApiProperty({ description: 'Why the case was opened' }) reason!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'The contract EndDate (win-back)' })
  endDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) planVariantId!: string | null;
  @ApiProperty({ nullable: true, type: OfferDto }) offer!: OfferDto | null;
  @ApiProperty({ nullable: true, type: ContactDto, description: 'Null once erased' })
  contact!: ContactDto | null;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
}

export class TimelineEntryDto {
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ['hook', 'state', 'decision', 'action', 'operator'] }) type!: string;
  @ApiProperty({ type: Object }) detail!: Record<string, unknown>;
}

export class ActionDto {
  @ApiProperty({ description: 'The CloudEvent id' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ enum: ['pending', 'published', 'cancelled'] }) status!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ nullable: true, type: String }) publishedAt!: string | null;
}

export class CaseDetailDto extends CaseDto {
  @ApiProperty({ type: [TimelineEntryDto] }) timeline!: TimelineEntryDto[];
  @ApiProperty({ type: [ActionDto] }) actions!: ActionDto[];
}
