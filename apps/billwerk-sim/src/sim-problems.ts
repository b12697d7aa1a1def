import type { Problem } from '@app/platform';
import {
  SimBadRequestError,
  SimConflictError,
  SimError,
  SimInvalidFieldsError,
  SimNotFoundError,
  SimUnauthorizedError,
} from './domain/sim-errors';

function statusOf(error: SimError): number {
  if (error instanceof SimNotFoundError) return 404;
  if (error instanceof SimInvalidFieldsError) return 422;
  if (error instanceof SimBadRequestError) return 400;
  if (error instanceof SimUnauthorizedError) return 401;
  if (error instanceof SimConflictError) return 409;
  return 500;
}

/** The simulator's errors as problems (its token endpoint answers RFC 6749 bodies instead). */
export function simProblem(error: unknown): Problem | undefined {
  if (!(error instanceof SimError)) return undefined;
  const status = statusOf(error);
  return {
    status,
    detail: error.message,
    code: error.code,
    ...(error instanceof SimInvalidFieldsError ? { errors: error.problems } : {}),
    ...(status === 401 ? { headers: { 'www-authenticate': 'Bearer realm="billwerk-sim"' } } : {}),
  };
}
