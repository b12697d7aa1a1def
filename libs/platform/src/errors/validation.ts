import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem-details';
import { InvalidRequestError } from './request-errors';

/** class-validator's findings, one entry per failed rule, nested properties as `a.b`. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      detail:
        constraint === 'whitelistValidation'
          ? 'is not a supported parameter'
          : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Bodies, query and path parameters become their DTOs, or a 400 naming each bad field. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new InvalidRequestError(fieldErrors(errors)),
  });
}
