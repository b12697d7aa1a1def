import { Agent, request } from 'node:http';

export interface LoadRecord {
  /** The id the body was built from, so a test can look the request up in what was stored. */
  id: string;
  client: number;
  /** HTTP status; 0 when no answer came (connection error or the client-side timeout). */
  status: number;
  /** The answer's body (text), or the error message when there was no answer. */
  body: string;
  startedAt: number;
  latencyMs: number;
}

export interface HttpLoadOptions {
  url: string;
  /** Concurrent clients, each with its own keep-alive connection and one request at a time. */
  clients: number;
  /** The body of a request; `id` is unique across the run. */
  body: (id: string) => string;
  headers?: Record<string, string>;
  /** A request still unanswered after this long is recorded with status 0 (default 30 s). */
  timeoutMs?: number;
  /** Pause between a client's requests (default 0). */
  pauseMs?: number;
}

/**
 * A light HTTP load for fault specs: `clients` loops POST as fast as answers come until `stop()`,
 * which resolves with a record of every request (id, status, latency) once all are answered.
 */
export class HttpLoad {
  readonly records: LoadRecord[] = [];
  private running = true;
  private sequence = 0;
  private readonly agents: Agent[] = [];
  private readonly loops: Promise<void>[];

  constructor(private readonly options: HttpLoadOptions) {
    this.loops = Array.from({ length: options.clients }, (_, client) => this.loop(client));
  }

  /** Records so far that started at or after `since` (ms since the epoch). */
  since(since: number): LoadRecord[] {
    return this.records.filter((record) => record.startedAt >= since);
  }

  async stop(): Promise<LoadRecord[]> {
    this.running = false;
    await Promise.all(this.loops);
    for (const agent of this.agents) agent.destroy();
    return this.records;
  }

  private async loop(client: number): Promise<void> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.agents.push(agent);
    while (this.running) {
      const id = `${client}-${(this.sequence += 1)}`;
      this.records.push(await this.post(agent, client, id));
      if (this.options.pauseMs) await new Promise((done) => setTimeout(done, this.options.pauseMs));
    }
  }

  private post(agent: Agent, client: number, id: string): Promise<LoadRecord> {
    const body = this.options.body(id);
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const record = (status: number, text: string): LoadRecord => ({
      id,
      client,
      status,
      body: text,
      startedAt,
      latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
    return new Promise((resolve) => {
      const outgoing = request(
        this.options.url,
        {
          method: 'POST',
          agent,
          timeout: this.options.timeoutMs ?? 30_000,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...this.options.headers,
          },
        },
        (incoming) => {
          const parts: Buffer[] = [];
          incoming.on('data', (part: Buffer) => parts.push(part));
          incoming.on('end', () =>
            resolve(record(incoming.statusCode ?? 0, Buffer.concat(parts).toString('utf8'))),
          );
          incoming.on('error', (error) => resolve(record(0, error.message)));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('client-side timeout')));
      outgoing.on('error', (error) => resolve(record(0, error.message)));
      outgoing.end(body);
    });
  }
}
