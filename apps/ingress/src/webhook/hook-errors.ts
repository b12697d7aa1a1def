import type { HookFieldProblem } from '@app/contracts';

/** The hook is not a valid billwerk hook; nothing was published. */
export class InvalidHookError extends Error {
  readonly code = 'INVALID_HOOK';
  constructor(readonly problems: HookFieldProblem[]) {
    super(problems.map((p) => `${p.field} ${p.problem}`).join('; '));
  }
}

/** The body is not JSON at all. */
export class InvalidJsonBodyError extends Error {
  readonly code = 'INVALID_JSON';
  constructor(detail: string) {
    super(`request body is not valid JSON: ${detail}`);
  }
}
