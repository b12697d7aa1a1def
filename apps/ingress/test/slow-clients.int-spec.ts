import { fullHook } from '../../../test/fixtures/billwerk-hooks';
import { basicAuthHeader, postHook } from './ingress-harness';
import { RawClient, startIngressProcess, trickle, type IngressProcess } from './ingress-process';

/**
 * Callers that are slow on purpose (slowloris) against the real ingress process with its default
 * timeouts: headers 10 s, whole request 15 s, body 10 s, keep-alive 5 s; early rejections close.
 */
const TOKEN = 'slow-clients-path-token-0123';
let ingress: IngressProcess;

beforeAll(async () => {
  ingress = await startIngressProcess({ INGRESS_PATH_TOKENS: `sandbox:${TOKEN}` });
});

afterAll(async () => {
  await ingress?.stop();
});

const hookHead = (headers: string[]): string =>
  [`POST /billwerk-hook/${TOKEN} HTTP/1.1`, 'Host: ingress', ...headers, '', ''].join('\r\n');

it('closes connections that never finish their headers within the 10 s headers timeout', async () => {
  const clients = Array.from({ length: 200 }, () => new RawClient(ingress.port));
  const stops = clients.map((client) => {
    client.write(`POST /billwerk-hook/${TOKEN} HTTP/1.1\r\nHost: ingress\r\n`);
    return trickle(client, 'X-Slow: 1\r\n'.repeat(100), 11, 1000);
  });
  // The ingress keeps serving others meanwhile.
  const ok = await postHook(
    `${ingress.url}/billwerk-hook/${TOKEN}`,
    JSON.stringify(fullHook('ContractCancelled')),
  );
  expect(ok.status).toBe(202);

  await Promise.all(clients.map((client) => client.closedWithin(14_000)));
  stops.forEach((stop) => stop());
  const open = clients.filter((client) => client.open).length;
  clients.forEach((client) => client.destroy());
  expect(open).toBe(0);
  for (const client of clients) {
    expect((client.closedAt as number) - client.openedAt).toBeLessThan(12_500);
  }
});

it('answers 408 to a body sent at 1 byte/s once the 10 s body deadline passes', async () => {
  const body = JSON.stringify(fullHook('ContractCancelled'));
  const client = new RawClient(ingress.port);
  client.write(
    hookHead(['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`]),
  );
  const stop = trickle(client, body, 1, 1000);
  const closed = await client.closedWithin(13_000);
  stop();
  client.destroy();
  expect(closed).toBe(true);
  expect(client.status).toBe(408);
  expect(JSON.parse(client.body)).toMatchObject({
    status: 408,
    detail: expect.stringMatching(/body not received within 10000 ms/),
  });
  expect((client.closedAt as number) - client.openedAt).toBeGreaterThanOrEqual(9_500);
});

it('ends a request whose headers and body trickle within their own limits at 15 s', async () => {
  const body = JSON.stringify(fullHook('ContractCancelled'));
  const client = new RawClient(ingress.port);
  const head = hookHead([
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Array.from({ length: 8 }, () => 'X-Slow: 1'),
  ]);
  // Headers take about 8 s (under 10 s), then the body drips: only the request timeout ends it.
  const stopHead = trickle(client, head, Math.ceil(head.length / 8), 1000);
  setTimeout(() => trickle(client, body, 1, 1000), 8_500);
  const closed = await client.closedWithin(17_000);
  stopHead();
  client.destroy();
  expect(closed).toBe(true);
  expect((client.closedAt as number) - client.openedAt).toBeLessThan(16_500);
});

it('closes an idle keep-alive connection after 5 s', async () => {
  const body = JSON.stringify(fullHook('ContractCancelled'));
  const client = new RawClient(ingress.port);
  client.write(
    hookHead(['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`]) +
      body,
  );
  const closed = await client.closedWithin(8_000);
  client.destroy();
  expect(client.status).toBe(202);
  expect(closed).toBe(true);
  expect((client.closedAt as number) - client.openedAt).toBeLessThan(7_000);
});

it('answers early rejections at once and closes instead of draining an announced 50 MB body', async () => {
  const fifty = `Content-Length: ${50 * 1024 * 1024}`;
  const cases: Array<{ status: number; head: string }> = [
    {
      status: 401,
      head: [
        'POST /billwerk-hook/wrong-token HTTP/1.1',
        'Host: ingress',
        'Content-Type: application/json',
        fifty,
        '',
        '',
      ].join('\r\n'),
    },
    {
      status: 405,
      head: ['PUT /billwerk-hook HTTP/1.1', 'Host: ingress', fifty, '', ''].join('\r\n'),
    },
    { status: 413, head: hookHead(['Content-Type: application/json', fifty]) },
    { status: 415, head: hookHead(['Content-Type: text/plain', fifty]) },
    {
      status: 401,
      head: [
        'POST /billwerk-hook HTTP/1.1',
        'Host: ingress',
        `Authorization: ${basicAuthHeader('billwerk', 'wrong-password')}`,
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
        '',
        '',
      ].join('\r\n'),
    },
  ];
  const results = await Promise.all(
    cases.map(async ({ status, head }) => {
      const client = new RawClient(ingress.port);
      client.write(head);
      // The client keeps sending 1 KiB every 100 ms for as long as the server reads.
      const chunk = head.includes('chunked') ? `400\r\n${'x'.repeat(1024)}\r\n` : 'x'.repeat(1024);
      const stop = trickle(client, chunk.repeat(1000), chunk.length, 100);
      const closed = await client.closedWithin(3_000);
      stop();
      client.destroy();
      return { expected: status, status: client.status, closed, text: client.received };
    }),
  );
  for (const result of results) {
    expect(result).toMatchObject({ status: result.expected, closed: true });
    expect(result.text.toLowerCase()).toContain('connection: close');
  }
});

it('closes instead of draining a body sent to a route outside the hook URL', async () => {
  const client = new RawClient(ingress.port);
  client.write(
    [
      'POST /health/live HTTP/1.1',
      'Host: ingress',
      'Content-Type: application/json',
      `Content-Length: ${50 * 1024 * 1024}`,
      '',
      '',
    ].join('\r\n'),
  );
  const stop = trickle(client, 'x'.repeat(1024 * 1000), 1024, 100);
  const closed = await client.closedWithin(3_000);
  stop();
  client.destroy();
  expect(client.status).toBeGreaterThanOrEqual(400);
  expect(closed).toBe(true);
});
