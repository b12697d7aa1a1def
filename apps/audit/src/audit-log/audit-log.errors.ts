/** A request parameter is missing or wrong; the transport answers 400. */
export interface ParameterProblem {
  parameter: string;
  problem: string;
}

export class InvalidParametersError extends Error {
  readonly code = 'INVALID_PARAMETERS';
  constructor(readonly problems: ParameterProblem[]) {
    super(problems.map((p) => `${p.parameter}: ${p.problem}`).join('; '));
  }
}

export class AuditEventNotFoundError extends Error {
  readonly code = 'AUDIT_EVENT_NOT_FOUND';
  constructor(readonly eventId: string) {
    super(`no audit event with id ${eventId}`);
  }
}
