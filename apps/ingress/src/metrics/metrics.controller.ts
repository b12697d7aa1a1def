import { Controller, Get, Header } from '@nestjs/common';
import { IngressMetrics } from './ingress-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: IngressMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
