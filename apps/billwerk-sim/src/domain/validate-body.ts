import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SimBadRequestError, SimInvalidFieldsError } from './sim-errors';

/** A request body checked against a class-validator DTO: 400 when not an object, 422 per bad field. */
export function validateBody<T extends object>(schema: ClassConstructor<T>, body: unknown): T {
  if (body === undefined || body === null) return validated(schema, {});
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new SimBadRequestError('the body must be a JSON object');
  }
  return validated(schema, body);
}

function validated<T extends object>(schema: ClassConstructor<T>, body: object): T {
  const instance = plainToInstance(schema, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new SimInvalidFieldsError(
      errors.flatMap((e) =>
        Object.values(e.constraints ?? {}).map((message) => ({
          field: e.property,
          // class-validator's messages start with the property's name.
          detail: message.replace(new RegExp(`^${e.property} `), ''),
        })),
      ),
    );
  }
  return instance;
}
