import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { PACE_PATTERN, PACE_PROBLEM } from '../scenarios/pace';

export class PlayScenarioDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  hooks?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  contracts?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  seed?: number;

  /** Time between steps (`2s`, `500ms`; a bare number is milliseconds); the query's wins. */
  @IsOptional()
  @Type(() => String)
  @Matches(PACE_PATTERN, { message: `pace ${PACE_PROBLEM}` })
  pace?: string;
}

export class FaultDto {
  @ValidateIf((fault: FaultDto) => fault.status !== undefined || fault.delayMs === undefined)
  @IsInt({
    message: 'status must be an integer from 400 to 599 (or give only delayMs for a slow answer)',
  })
  @Min(400)
  @Max(599)
  status?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120_000)
  delayMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  retryAfterSeconds?: number;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  count: number = 1;

  @IsIn(['api', 'token', 'all'])
  scope: 'api' | 'token' | 'all' = 'api';
}

export class AdvanceClockDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  days?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(87_600)
  hours?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5_256_000)
  minutes?: number;
}

export class DeliveryQueryDto {
  @IsOptional()
  @IsIn(['queued', 'sending', 'retrying', 'delivered', 'dropped', 'not-sent'])
  status?: 'queued' | 'sending' | 'retrying' | 'delivered' | 'dropped' | 'not-sent';

  @IsOptional()
  event?: string;

  @IsOptional()
  orderingKey?: string;

  /** Deliveries whose body names this id (ContractId, CustomerId, …). */
  @IsOptional()
  id?: string;
}

export class SendHookDto {
  @IsObject()
  body!: Record<string, unknown>;

  /** Hooks with the same key are delivered in order; default: ContractId, ContractID or CustomerId. */
  @IsOptional()
  @IsString()
  orderingKey?: string;
}
