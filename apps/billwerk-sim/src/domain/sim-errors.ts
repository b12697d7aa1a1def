/** Base of the simulator's domain errors; SimExceptionFilter maps them to HTTP answers. */
export abstract class SimError extends Error {
  abstract readonly code: string;
}

export class SimNotFoundError extends SimError {
  readonly code = 'NOT_FOUND';
  constructor(kind: string, id: string) {
    super(`${kind} ${id} not found`);
  }
}

/** One refused field and why, e.g. `{ field: 'EndDate', detail: 'must be after StartDate' }`. */
export interface FieldProblem {
  field: string;
  detail: string;
}

/** Well-formed request whose fields billwerk would refuse (422). */
export class SimInvalidFieldsError extends SimError {
  readonly code = 'INVALID_FIELDS';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field} ${p.detail}`).join('; '));
  }
}

/** The request cannot be carried out in the simulation's current state (409). */
export class SimConflictError extends SimError {
  readonly code = 'CONFLICT';
}

export class SimUnauthorizedError extends SimError {
  readonly code = 'UNAUTHORIZED';
}

/** The body is not the JSON object the endpoint needs (400). */
export class SimBadRequestError extends SimError {
  readonly code = 'BAD_REQUEST';
}
