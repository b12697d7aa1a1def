import { BearerTokenGuard } from '@app/platform';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CaseDetailDto, CaseDto, CloseCaseDto, ListCasesQueryDto } from './retention-case.dto';
import { RetentionCaseService } from './retention-case.service';

@ApiTags('retention cases')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('retention/cases')
export class RetentionCaseController {
  constructor(private readonly cases: RetentionCaseService) {}

  @Get()
  @ApiOperation({ summary: 'Cases, newest first, filtered by status, kind, contract or customer' })
  @ApiOkResponse({ type: [CaseDto] })
  list(@Query() query: ListCasesQueryDto): Promise<CaseDto[]> {
    return this.cases.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One case with its timeline (hooks, state, decisions, actions)' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CaseDetailDto> {
    return this.cases.get(id);
  }

  @Post(':id/apply-offer')
  @HttpCode(200)
  @ApiOperation({ summary: "Apply the case's discount through billwerk; closes it offer-applied" })
  @ApiOkResponse({ type: CaseDetailDto })
  applyOffer(@Param('id', ParseUUIDPipe) id: string): Promise<CaseDetailDto> {
    return this.cases.applyOffer(id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close an open case by hand; its pending actions are cancelled' })
  @ApiOkResponse({ type: CaseDetailDto })
  close(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CloseCaseDto,
  ): Promise<CaseDetailDto> {
    return this.cases.close(id, body ?? {});
  }
}
