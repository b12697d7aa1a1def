import type { HookFieldProblem } from '@app/contracts';
import { MAX_BODY_BYTES } from './hook-limits';

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

/** No valid credential was presented; nothing is published. */
export class UnauthorizedHookError extends Error {
  readonly code = 'UNAUTHORIZED';
  constructor() {
    super('valid HTTP Basic credentials or a valid path token are required');
  }
}

/** Anything but POST on the hook URL. */
export class MethodNotAllowedError extends Error {
  readonly code = 'METHOD_NOT_ALLOWED';
  constructor(method: string) {
    super(`${method} is not allowed on /billwerk-hook; use POST`);
  }
}

/** Only UTF-8 JSON is a hook. */
export class UnsupportedMediaTypeError extends Error {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor(contentType: string | undefined) {
    super(`Content-Type must be application/json (got ${contentType ?? 'none'})`);
  }
}

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  constructor() {
    super(`request body exceeds the ${MAX_BODY_BYTES / 1024} KiB limit`);
  }
}

/** The body did not arrive within the deadline: a slow client must not hold a socket for minutes. */
export class BodyTimeoutError extends Error {
  readonly code = 'BODY_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`request body not received within ${timeoutMs} ms`);
  }
}

/** The caller went away before its body arrived: there is no one left to answer. */
export class RequestAbortedError extends Error {
  readonly code = 'REQUEST_ABORTED';
  constructor(cause: unknown) {
    super('the client aborted the request', { cause });
  }
}
