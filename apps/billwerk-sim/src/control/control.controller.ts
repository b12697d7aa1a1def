import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  type StreamableFile,
} from '@nestjs/common';
import type { Delivery } from '../delivery/hook-sender';
import type { ActiveFault } from '../faults/fault-injector';
import type { ScenarioSummary } from '../scenarios/scenario-runner';
import { ControlService, type PlayAnswer } from './control.service';

/** The control API under /sim (no auth: the simulator is a local development tool). */
@Controller('sim')
export class ControlController {
  constructor(private readonly control: ControlService) {}

  @Get('scenarios')
  scenarios(): ScenarioSummary[] {
    return this.control.listScenarios();
  }

  /**
   * `?wait=true` answers only once every hook of the play was delivered or dropped; `?pace=2s`
   * (or `pace` in the body) plays one step at a time; `?stream=true` answers NDJSON as it plays.
   */
  @Post('scenarios/:name/play')
  @HttpCode(HttpStatus.OK)
  play(
    @Param('name') name: string,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Query('pace') pace: string | undefined,
    @Query('stream') stream: string | undefined,
  ): Promise<PlayAnswer | StreamableFile> {
    return this.control.play(name, body, {
      wait: wait === 'true',
      pace,
      stream: stream === 'true',
    });
  }

  @Get('clock')
  clock(): { now: string; offsetMs: number } {
    return this.control.clock();
  }

  @Post('clock/advance')
  @HttpCode(HttpStatus.OK)
  advanceClock(@Body() body: unknown): { from: string; to: string; deliveries: string[] } {
    return this.control.advanceClock(body);
  }

  @Post('hooks')
  @HttpCode(HttpStatus.ACCEPTED)
  sendHook(@Body() body: unknown): Delivery {
    return this.control.sendHook(body);
  }

  @Post('faults')
  @HttpCode(HttpStatus.CREATED)
  addFault(@Body() body: unknown): ActiveFault {
    return this.control.addFault(body);
  }

  @Get('faults')
  faults(): ActiveFault[] {
    return this.control.listFaults();
  }

  @Delete('faults')
  @HttpCode(HttpStatus.NO_CONTENT)
  clearFaults(): void {
    this.control.clearFaults();
  }

  @Post('tokens/revoke')
  @HttpCode(HttpStatus.OK)
  revokeTokens(): { revoked: number } {
    return this.control.revokeTokens();
  }

  @Get('deliveries')
  deliveries(@Query() query: unknown): Delivery[] {
    return this.control.deliveries(query);
  }

  /** Waits until no hook is queued or being retried. */
  @Post('deliveries/settle')
  @HttpCode(HttpStatus.OK)
  settle(): Promise<{ settled: number }> {
    return this.control.settleDeliveries();
  }

  @Get('deliveries/:id')
  delivery(@Param('id') id: string): Delivery {
    return this.control.delivery(id);
  }

  @Delete('deliveries')
  @HttpCode(HttpStatus.OK)
  clearDeliveries(): { removed: number } {
    return this.control.clearDeliveries();
  }

  @Post('reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  reset(): void {
    this.control.reset();
  }
}
