import { PlatformModule } from '@app/platform';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { BillwerkApiModule } from './api/billwerk-api.module';
import { ControlModule } from './control/control.module';
import { HookSender } from './delivery/hook-sender';
import { Simulation } from './domain/simulation';
import { FaultInjector } from './faults/fault-injector';
import { OAuthModule } from './oauth/oauth.module';
import { TokenIssuer } from './oauth/token-issuer';
import { ScenarioRunner } from './scenarios/scenario-runner';
import { simProblem } from './sim-problems';
import { SimRuntime } from './sim-runtime';
import { SIM_LOGGER } from './sim.tokens';

/** Shares the runtime's plain parts with the feature modules. */
@Global()
@Module({})
class SimCoreModule {
  static forRoot(runtime: SimRuntime, logger: Logger): DynamicModule {
    const providers = [
      { provide: SimRuntime, useValue: runtime },
      { provide: Simulation, useValue: runtime.simulation },
      { provide: ScenarioRunner, useValue: runtime.scenarios },
      { provide: HookSender, useValue: runtime.sender },
      { provide: FaultInjector, useValue: runtime.faults },
      { provide: TokenIssuer, useValue: runtime.tokens },
      { provide: SIM_LOGGER, useValue: logger },
    ];
    return { module: SimCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The billwerk simulator, built around a runtime made before Nest starts. */
@Module({})
export class SimModule {
  static forRoot(runtime: SimRuntime, logger: Logger): DynamicModule {
    return {
      module: SimModule,
      imports: [
        PlatformModule.forRoot({ logger, problems: simProblem }),
        SimCoreModule.forRoot(runtime, logger),
        OAuthModule,
        BillwerkApiModule,
        ControlModule,
      ],
    };
  }
}
