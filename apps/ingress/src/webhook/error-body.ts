import { STATUS_CODES } from 'node:http';

/** The JSON shape of every ingress error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: Array<{ field: string; problem: string }>;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
