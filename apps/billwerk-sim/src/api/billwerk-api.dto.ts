import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';

const BILLWERK_ID = /^[0-9a-fA-F]{24}$/;

/** `POST /api/v1/contracts/{id}/discountsubscriptions`. */
export class ApplyDiscountDto {
  @Matches(BILLWERK_ID, { message: 'must be a billwerk id (24 hexadecimal characters)' })
  DiscountId!: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  StartDate?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  EndDate?: string;
}

/** billwerk's list paging: `take` items after skipping `skip`. */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  take?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  skip?: number;
}
