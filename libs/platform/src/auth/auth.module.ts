import { Module, type DynamicModule } from '@nestjs/common';
import { BEARER_AUTH, BearerTokenGuard, type BearerAuthOptions } from './bearer-token.guard';

/** Makes `@UseGuards(BearerTokenGuard)` usable in every module of the app. */
@Module({})
export class AuthModule {
  static forRoot(options: BearerAuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: BEARER_AUTH, useValue: options }, BearerTokenGuard],
      exports: [BEARER_AUTH, BearerTokenGuard],
    };
  }
}
