import { BearerTokenGuard } from '@app/platform';
import { Controller, Get, Param, Query, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import {
  AuditEventDto,
  AuditEventPageDto,
  CustomerIdParamDto,
  CustomerTimelineDto,
  EventIdParamDto,
  ExportQueryDto,
  ListEventsQueryDto,
  PageQueryDto,
  VerifyQueryDto,
  VerifyReportDto,
} from './audit-log.dto';
import { AuditLogService } from './audit-log.service';

@ApiTags('audit')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid bearer token' })
@ApiBadRequestResponse({ description: 'A parameter is invalid; the body names it' })
@Controller('audit')
@UseGuards(BearerTokenGuard)
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get('events')
  @ApiOperation({ summary: 'Stored events, filtered, in receipt order, a page at a time' })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: ListEventsQueryDto): Promise<AuditEventPageDto> {
    return this.auditLog.list(query);
  }

  @Get('events/:id')
  @ApiOperation({ summary: 'One stored event by its CloudEvents id' })
  @ApiOkResponse({ type: AuditEventDto })
  @ApiNotFoundResponse({ description: 'No event with this id' })
  get(@Param() params: EventIdParamDto): Promise<AuditEventDto> {
    return this.auditLog.get(params.id);
  }

  @Get('customers/:customerId/timeline')
  @ApiOperation({ summary: 'What billwerk told us about one customer, and when' })
  @ApiOkResponse({ type: CustomerTimelineDto })
  timeline(
    @Param() params: CustomerIdParamDto,
    @Query() query: PageQueryDto,
  ): Promise<CustomerTimelineDto> {
    return this.auditLog.timeline(params.customerId, query);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every event received in [from, to) as NDJSON, streamed' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One AuditEvent JSON document per line' })
  export(@Query() query: ExportQueryDto): StreamableFile {
    return new StreamableFile(Readable.from(this.auditLog.exportLines(query)), {
      type: 'application/x-ndjson',
    });
  }

  @Get('verify')
  @ApiOperation({
    summary:
      'Checks the chains from the last verified row on (all of them with full=true) and against their checkpoints on Kafka',
  })
  @ApiOkResponse({ type: VerifyReportDto })
  verify(@Query() query: VerifyQueryDto): Promise<VerifyReportDto> {
    return this.auditLog.verify(query);
  }
}
