import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';

/** `GET /metrics` over the app's registry, which every module can inject. */
@Module({})
export class MetricsModule {
  static forRoot(registry: MetricsRegistry): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: MetricsRegistry, useValue: registry }],
      exports: [MetricsRegistry],
    };
  }
}
