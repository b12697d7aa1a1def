import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server the proxy forwards to. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

function received(socket: Socket): () => string {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TcpProxy', () => {
  let echo: { server: Server; port: number };
  let proxy: TcpProxy;
  let client: Socket;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = new TcpProxy('127.0.0.1', echo.port);
    await proxy.start();
    client = createConnection(proxy.port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
  });

  afterEach(async () => {
    client.destroy();
    await proxy.stop();
    await new Promise((resolve) => echo.server.close(resolve));
  });

  it('holds bytes while stalled without closing, and delivers them in order on resume', async () => {
    const text = received(client);
    let closed = false;
    client.on('close', () => (closed = true));
    client.write('a');
    await pause(100);
    expect(text()).toBe('a');

    proxy.stall();
    client.write('b');
    client.write('c');
    await pause(300);
    expect(text()).toBe('a');
    expect(closed).toBe(false);

    proxy.resume();
    await pause(100);
    expect(text()).toBe('abc');
    expect(closed).toBe(false);
  });

  it('holds the answers of a connection opened while stalled', async () => {
    proxy.stall();
    const late = createConnection(proxy.port, '127.0.0.1');
    const text = received(late);
    late.write('x');
    await pause(300);
    expect(text()).toBe('');
    proxy.resume();
    await pause(100);
    expect(text()).toBe('x');
    late.destroy();
  });

  it('drops connections on cut and refuses new ones until restore', async () => {
    const closed = new Promise((resolve) => client.once('close', resolve));
    proxy.cut();
    await closed;
    const refused = createConnection(proxy.port, '127.0.0.1');
    await new Promise((resolve) => refused.once('close', resolve));
    proxy.restore();
    const again = createConnection(proxy.port, '127.0.0.1');
    const text = received(again);
    again.write('y');
    await pause(100);
    expect(text()).toBe('y');
    again.destroy();
  });
});
