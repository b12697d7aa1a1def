import type { Problem } from '@app/platform';
import { AuditEventNotFoundError, InvalidParametersError } from '../audit-log/audit-log.errors';

/** The audit API's own errors as problems (the platform maps validation, auth and the rest). */
export function auditProblem(error: unknown): Problem | undefined {
  if (error instanceof InvalidParametersError) {
    return {
      status: 400,
      detail: error.message,
      code: error.code,
      errors: error.problems.map(({ parameter, problem }) => ({
        field: parameter,
        detail: problem,
      })),
    };
  }
  if (error instanceof AuditEventNotFoundError) {
    return { status: 404, detail: error.message, code: error.code };
  }
  return undefined;
}
