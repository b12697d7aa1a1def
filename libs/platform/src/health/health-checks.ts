/** What one dependency reports: whether it is usable, and the state of each of its parts. */
export interface HealthReport {
  up: boolean;
  /** Part → state, e.g. `{ broker: 'up', producer: 'not connected' }`; never hosts or ports. */
  checks: Record<string, string>;
}

/**
 * One dependency the app needs to do its work (Kafka, the database, a consumer group). `check`
 * only reports: it never connects, reconnects or repairs anything.
 */
export interface HealthIndicator {
  /** Named in the 503's detail: `not ready: <name> is unavailable (…)`. */
  readonly name: string;
  check(): Promise<HealthReport> | HealthReport;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
  /** Why not, e.g. `not ready: Kafka is unavailable (broker up, producer not connected)`. */
  detail: string;
}

/** /health/ready answered 503; `checks` is every part's state. */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly checks: Record<string, string>,
  ) {
    super(message);
  }
}

export interface HealthCheckOptions {
  /** How long one evaluation answers every probe (default 1 s). */
  cacheMs?: number;
  /** A check that has not answered by then reports its dependency down (default 3 s). */
  timeoutMs?: number;
  now?: () => number;
}

async function report(indicator: HealthIndicator, timeoutMs: number): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(
      () => resolve({ up: false, checks: { [indicator.name]: 'no answer' } }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => indicator.check()), late]);
  } catch {
    // An indicator that throws is reporting its dependency as down.
    return { up: false, checks: { [indicator.name]: 'failing' } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness from the registered indicators, evaluated at most once per `cacheMs` however often
 * probes come (concurrent probes share one evaluation), so a probe costs nothing and changes
 * nothing.
 */
export class HealthChecks {
  private readonly indicators: HealthIndicator[] = [];
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: { at: number; readiness: Promise<Readiness> } | undefined;

  constructor(options: HealthCheckOptions = {}) {
    this.cacheMs = options.cacheMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  readiness(): Promise<Readiness> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= this.cacheMs) {
      this.cached = { at: now, readiness: this.evaluate() };
    }
    return this.cached.readiness;
  }

  private async evaluate(): Promise<Readiness> {
    const reports = await Promise.all(
      this.indicators.map(async (indicator) => ({
        indicator,
        report: await report(indicator, this.timeoutMs),
      })),
    );
    const checks = Object.assign({}, ...reports.map(({ report }) => report.checks)) as Record<
      string,
      string
    >;
    const down = reports.filter(({ report }) => !report.up);
    const detail =
      down.length === 0
        ? 'ready'
        : `not ready: ${down
            .map(({ indicator, report }) => {
              const parts = Object.entries(report.checks).map(
                ([part, state]) => `${part} ${state}`,
              );
              return `${indicator.name} is unavailable (${parts.join(', ')})`;
            })
            .join('; ')}`;
    return { ready: down.length === 0, checks, detail };
  }
}
