import { Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HookAuthGuard } from './hook-auth.guard';
import { parseRetryCount } from './retry-count';
import { childTraceparent } from './trace-context';
import { WebhookService } from './webhook.service';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * `POST /billwerk-hook` (HTTP Basic) and `POST /billwerk-hook/<token>`: the URL registered in
 * billwerk. 202 means the event is acknowledged by Kafka; anything else makes billwerk retry.
 * Other methods on these paths get 405 (see method-guard.ts).
 */
@Controller('billwerk-hook')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @UseGuards(HookAuthGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  receive(@Req() request: FastifyRequest): Promise<{ id: string }> {
    return this.handle(request);
  }

  @Post(':token')
  @UseGuards(HookAuthGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  receiveWithToken(@Req() request: FastifyRequest): Promise<{ id: string }> {
    return this.handle(request);
  }

  private async handle(request: FastifyRequest): Promise<{ id: string }> {
    const accepted = await this.webhooks.accept({
      source: request.hookSource as string,
      body: request.body,
      rawBody: request.rawBody?.toString('utf8') ?? '',
      retryCount: parseRetryCount(request.headers['x-retry-count']),
      traceparent: childTraceparent(request.headers.traceparent as string | undefined),
      requestId: request.id,
    });
    return { id: accepted.id };
  }
}
