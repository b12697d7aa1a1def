import { Socket } from 'node:net';
import { freePort, startAppProcess, type AppExit } from '../../../test/support/app-process';

export { freePort };

export interface IngressProcess {
  url: string;
  port: number;
  /** SIGTERMs the process and resolves with how it exited. */
  stop(): Promise<AppExit>;
}

/** The ingress's real entry point as its own process, kept running until `stop()`. */
export async function startIngressProcess(env: Record<string, string>): Promise<IngressProcess> {
  const port = await freePort();
  const running = await startAppProcess('ingress', {
    INGRESS_PORT: String(port),
    INGRESS_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env,
  });
  return { url: `http://127.0.0.1:${port}`, port, stop: () => running.stop() };
}

/** A raw TCP client, for the slow and misbehaving callers fetch cannot imitate. */
export class RawClient {
  readonly socket: Socket;
  received = '';
  closedAt: number | undefined;
  readonly openedAt = Date.now();
  private readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = new Socket();
    this.socket.on('data', (chunk: Buffer) => (this.received += chunk.toString('utf8')));
    // Resets after an early answer are expected: what the server sent is in `received`.
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
    this.socket.connect(port, '127.0.0.1');
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  /** Writes unless the server has closed the connection already. */
  write(text: string): void {
    if (this.open && !this.socket.destroyed) this.socket.write(text);
  }

  /** Resolves true once the server closed the connection, false if it is still open after `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
    clearTimeout(timer);
    return result;
  }

  /** The status of the first answer, if one arrived. */
  get status(): number | undefined {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(this.received);
    return match ? Number(match[1]) : undefined;
  }

  get body(): string {
    return this.received.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Writes `text` in `step`-sized pieces every `everyMs` until the connection closes or `stop`. */
export function trickle(
  client: RawClient,
  text: string,
  step: number,
  everyMs: number,
): () => void {
  let offset = 0;
  const timer = setInterval(() => {
    if (!client.open || offset >= text.length) {
      clearInterval(timer);
      return;
    }
    client.write(text.slice(offset, offset + step));
    offset += step;
  }, everyMs);
  return () => clearInterval(timer);
}
