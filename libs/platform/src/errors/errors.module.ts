import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { ProblemMapper } from './problem-details';
import { ProblemFilter } from './problem.filter';

/** Installs the problem-details filter for every route; `problems` maps the app's own errors. */
@Module({})
export class ErrorsModule {
  static forRoot(options: { logger: Logger; problems?: ProblemMapper }): DynamicModule {
    return {
      module: ErrorsModule,
      providers: [
        { provide: APP_FILTER, useValue: new ProblemFilter(options.logger, options.problems) },
      ],
    };
  }
}
