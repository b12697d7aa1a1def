/** Which requests a fault hits: the REST API under /api/v1, the token endpoint, or both. */
export type FaultScope = 'api' | 'token' | 'all';

export interface FaultSpec {
  /** Answer with this status instead of serving (e.g. 503, 429, 500); absent: serve normally after the delay. */
  status?: number;
  /** Hold each hit request this long first (to provoke client timeouts). */
  delayMs?: number;
  /** Sent as `Retry-After` (seconds) with the status. */
  retryAfterSeconds?: number;
  /** How many requests the fault hits before it is used up. */
  count: number;
  scope: FaultScope;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

/** Faults in the order they were added; each request uses up one hit of the first one in scope. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    const fault = { ...spec, id: this.nextId++, remaining: spec.count };
    this.faults.push(fault);
    return fault;
  }

  /** The fault this request suffers, if any; uses up one hit. */
  take(scope: Exclude<FaultScope, 'all'>): FaultSpec | undefined {
    const fault = this.faults.find((f) => f.scope === 'all' || f.scope === scope);
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}
