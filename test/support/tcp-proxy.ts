import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** One direction of a proxied connection; while stalled, what arrives is held, not forwarded. */
class Pipe {
  private held: Buffer[] = [];

  constructor(
    from: Socket,
    private readonly to: Socket,
    private readonly stalled: () => boolean,
  ) {
    from.on('data', (chunk: Buffer) => {
      if (this.stalled()) this.held.push(chunk);
      else to.write(chunk);
    });
    from.on('end', () => to.end());
  }

  flush(): void {
    for (const chunk of this.held.splice(0)) this.to.write(chunk);
  }
}

/**
 * A TCP proxy the test controls: `cut()` drops every connection and refuses new ones, as a
 * network partition would; `restore()` lets connections through again. `stall()` keeps every
 * connection open but forwards nothing either way (a black-holed link, a frozen peer) until
 * `resume()` delivers what was held, in order. The target keeps running.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pipes = new Set<Pipe>();
  private open = true;
  private stalled = false;
  port = 0;
  /** Connections accepted so far: how many a client opened through the proxy. */
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on `port` (default: any free port). */
  async start(port = 0): Promise<void> {
    this.server = createServer((client) => {
      this.accepted += 1;
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = createConnection(this.targetPort, this.targetHost);
      const isStalled = () => this.stalled;
      const pipes = [new Pipe(client, upstream, isStalled), new Pipe(upstream, client, isStalled)];
      for (const pipe of pipes) this.pipes.add(pipe);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => {
          this.sockets.delete(socket);
          for (const pipe of pipes) this.pipes.delete(pipe);
        });
        socket.on('error', () => socket.destroy());
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', resolve);
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
    for (const pipe of this.pipes) pipe.flush();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
