import { STATUS_CODES } from 'node:http';

/** RFC 9457's media type: every error answer of every app carries it. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One bad field (body property, query or path parameter, hook field) and what is wrong with it. */
export interface FieldError {
  field: string;
  detail: string;
}

/** The RFC 9457 body every HTTP API of the bridge answers errors with. */
export interface ProblemDetails {
  /** `about:blank`, or a URN naming the error's stable code. */
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** What an error means over HTTP: each app's mapper turns its own errors into these. */
export interface Problem {
  status: number;
  detail: string;
  /** The error's stable code (e.g. CASE_CONFLICT); it becomes the problem `type`. */
  code?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Further members of the body (e.g. readiness `checks`). */
  extensions?: Record<string, unknown>;
}

/** An app's errors to problems; undefined for errors it does not know. */
export type ProblemMapper = (error: unknown) => Problem | undefined;

/** `CASE_CONFLICT` → `urn:billwerk-bridge:problem:case-conflict`. */
export function problemType(code: string | undefined): string {
  if (code === undefined) return 'about:blank';
  return `urn:billwerk-bridge:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problemBody(problem: Problem): ProblemDetails {
  const body: ProblemDetails = {
    ...problem.extensions,
    type: problemType(problem.code),
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
  };
  if (problem.errors !== undefined) body.errors = problem.errors;
  return body;
}
