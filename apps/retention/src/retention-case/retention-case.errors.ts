/** No case with that id. */
export class CaseNotFoundError extends Error {
  readonly code = 'CASE_NOT_FOUND';
  constructor(readonly caseId: string) {
    super(`no retention case ${caseId}`);
  }
}

/** The case is not in a state that allows the request (closed, no offer, offer in progress). */
export class CaseConflictError extends Error {
  readonly code = 'CASE_CONFLICT';
}
