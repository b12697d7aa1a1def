import { BillwerkApiError } from '@app/billwerk-api';
import type { Problem } from '@app/platform';
import { CaseConflictError, CaseNotFoundError } from './retention-case.errors';

/** Case errors as problems; billwerk failing is 503 when worth retrying, else 502. */
export function retentionCaseProblem(error: unknown): Problem | undefined {
  if (error instanceof CaseNotFoundError) {
    return { status: 404, detail: error.message, code: error.code };
  }
  if (error instanceof CaseConflictError) {
    return { status: 409, detail: error.message, code: error.code };
  }
  if (error instanceof BillwerkApiError) {
    return { status: error.transient ? 503 : 502, detail: error.message, code: error.code };
  }
  return undefined;
}
