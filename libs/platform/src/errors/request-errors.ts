import type { FieldError } from './problem-details';

/** The request's body, query or path parameters failed validation: 400 naming each field. */
export class InvalidRequestError extends Error {
  readonly code = 'INVALID_REQUEST';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.detail}`).join('; '));
  }
}

/** No valid bearer token was presented: 401 with a `WWW-Authenticate: Bearer` challenge. */
export class UnauthorizedRequestError extends Error {
  readonly code = 'UNAUTHORIZED';
  constructor(readonly realm: string) {
    super('a valid bearer token is required (Authorization: Bearer <token>)');
  }
}
