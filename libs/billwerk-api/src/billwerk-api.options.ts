/** billwerk's hosted environments; any other https/http URL is a custom host (e.g. the simulator). */
export const BILLWERK_ENVIRONMENTS = {
  sandbox: 'https://sandbox.billwerk.com',
  production: 'https://app.billwerk.com',
} as const;

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** First backoff; doubles per retry, with full jitter. */
  baseDelayMs: number;
  /** Cap for one backoff, and the longest `Retry-After` the client waits for before giving up. */
  maxDelayMs: number;
}

/** One HTTP attempt, reported to the observer after it finished. */
export interface BillwerkAttempt {
  /** Client method, or `token` for the OAuth2 token request. */
  operation: string;
  method: 'GET' | 'POST';
  /** 1 for the first attempt. */
  attempt: number;
  /** HTTP status, absent when no answer arrived. */
  status?: number;
  outcome: 'ok' | 'http_error' | 'timeout' | 'network_error';
  durationMs: number;
  /** Whether the client will try again. */
  retrying: boolean;
}

/** Feeds metrics (latency histograms, error counters); must not throw. */
export interface BillwerkApiObserver {
  attemptFinished(attempt: BillwerkAttempt): void;
}

export interface BillwerkApiOptions {
  /** `sandbox`, `production`, or a base URL such as `http://127.0.0.1:3003`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per attempt, including reading the body. Default 10 000. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** A token is renewed this long before it expires. Default 60 000. */
  tokenRenewalMarginMs?: number;
  /** Lifetime assumed when the token answer names none; a 401 renews it earlier. Default 3 600 000. */
  defaultTokenLifetimeMs?: number;
  /** Page size for listing endpoints. Default 100. */
  pageSize?: number;
  observer?: BillwerkApiObserver;
  /** Seams for tests; default to global fetch, setTimeout, Math.random and Date.now. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

/** The API origin for an environment name or custom URL, without a trailing slash. */
export function resolveBillwerkBaseUrl(baseUrl: string): string {
  const known = (BILLWERK_ENVIRONMENTS as Record<string, string>)[baseUrl];
  const candidate = known ?? baseUrl;
  if (!URL.canParse(candidate)) {
    throw new TypeError(`billwerk base URL must be sandbox, production or a URL, got ${candidate}`);
  }
  const url = new URL(candidate);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`billwerk base URL must be http(s), got ${url.protocol}`);
  }
  return url.toString().replace(/\/+$/, '');
}
