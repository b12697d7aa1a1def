/** The simulator's business time: real time plus an offset that the control API can advance. */
export class SimClock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  advance(ms: number): { from: Date; to: Date } {
    const from = this.now();
    this.offsetMs += ms;
    return { from, to: new Date(from.getTime() + ms) };
  }

  get offset(): number {
    return this.offsetMs;
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
