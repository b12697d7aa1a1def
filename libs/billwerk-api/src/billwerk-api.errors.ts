/** What went wrong, stable for metrics labels and `switch`es. */
export type BillwerkApiErrorCode =
  'NOT_FOUND' | 'UNAUTHORIZED' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'REJECTED' | 'INVALID_RESPONSE';

/** Base of every error the client throws; `operation` names the client method (e.g. `getContract`). */
export abstract class BillwerkApiError extends Error {
  abstract readonly code: BillwerkApiErrorCode;
  /** Whether trying again later can succeed (rate limits, outages); the client already retried. */
  abstract readonly transient: boolean;

  constructor(
    readonly operation: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`billwerk ${operation}: ${message}`, options);
    this.name = new.target.name;
  }
}

/** 404: the resource does not exist (or was deleted). */
export class BillwerkNotFoundError extends BillwerkApiError {
  readonly code = 'NOT_FOUND';
  readonly transient = false;
}

/** The credentials were refused, or the API refused a freshly issued token. */
export class BillwerkUnauthorizedError extends BillwerkApiError {
  readonly code = 'UNAUTHORIZED';
  readonly transient = false;
}

/** 429 after the retries were used up, or a `Retry-After` longer than the client may wait. */
export class BillwerkRateLimitedError extends BillwerkApiError {
  readonly code = 'RATE_LIMITED';
  readonly transient = true;

  constructor(
    operation: string,
    message: string,
    /** billwerk's `Retry-After`, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(operation, message, 429);
  }
}

/** 5xx, timeouts and network errors after the retries were used up. */
export class BillwerkUnavailableError extends BillwerkApiError {
  readonly code = 'UNAVAILABLE';
  readonly transient = true;
}

/** Any other 4xx (400 bad JSON, 422 invalid fields, 409, …): the request must change. */
export class BillwerkRequestRejectedError extends BillwerkApiError {
  readonly code = 'REJECTED';
  readonly transient = false;

  constructor(
    operation: string,
    message: string,
    status: number,
    /** billwerk's explanation from the answer body, when it gave one. */
    readonly detail?: string,
  ) {
    super(operation, message, status);
  }
}

/** A 2xx whose body is not the JSON the method expects. */
export class BillwerkInvalidResponseError extends BillwerkApiError {
  readonly code = 'INVALID_RESPONSE';
  readonly transient = false;
}
