import { createServer, type IncomingMessage, type Server } from 'node:http';
import { HttpLoad } from './http-load';

describe('HttpLoad', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<unknown>();
  const bodies: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      sockets.add(request.socket);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        const { id } = JSON.parse(body) as { id: string };
        // Every third request is refused, and answers come after a short wait.
        setTimeout(() => {
          inFlight -= 1;
          response.statusCode = Number(id.split('-')[1]) % 3 === 0 ? 503 : 202;
          response.end(JSON.stringify({ echo: id }));
        }, 5);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('runs N keep-alive clients and records every request with its id, status and latency', async () => {
    const load = new HttpLoad({ url, clients: 3, body: (id) => JSON.stringify({ id }) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const records = await load.stop();

    expect(records.length).toBeGreaterThan(10);
    expect(records.length).toBe(bodies.length);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    for (const record of records) {
      expect(record.body).toBe(JSON.stringify({ echo: record.id }));
      expect(record.status).toBe(Number(record.id.split('-')[1]) % 3 === 0 ? 503 : 202);
      expect(record.latencyMs).toBeGreaterThanOrEqual(4);
    }
    expect(new Set(records.map((r) => r.client))).toEqual(new Set([0, 1, 2]));
    // One connection per client, reused, and one request at a time on each.
    expect(sockets.size).toBe(3);
    expect(maxInFlight).toBe(3);
  });

  it('records a request without an answer as status 0', async () => {
    const load = new HttpLoad({
      url: 'http://127.0.0.1:1/nothing-listens',
      clients: 1,
      body: (id) => id,
      pauseMs: 50,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const records = await load.stop();
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.status === 0 && r.body.includes('ECONNREFUSED'))).toBe(true);
  });
});
