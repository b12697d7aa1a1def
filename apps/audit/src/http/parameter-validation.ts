import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidParametersError, type ParameterProblem } from '../audit-log/audit-log.errors';

function problems(errors: ValidationError[]): ParameterProblem[] {
  return errors.flatMap((error) =>
    Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      parameter: error.property,
      problem: constraint === 'whitelistValidation' ? 'is not a supported parameter' : message,
    })),
  );
}

/** Query and path parameters become their DTOs, or a 400 naming each bad parameter. */
export function parameterValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new InvalidParametersError(problems(errors)),
  });
}
