import { billwerkId, fullHook } from '../../../test/fixtures/billwerk-hooks';
import { postHook, type HookResponse } from './ingress-harness';
import { RawClient, startIngressProcess, type IngressProcess } from './ingress-process';

/** Connection cap, nesting depth and metric cardinality, against the real ingress process. */
const TOKEN = 'limits-spec-path-token-0123';
let ingress: IngressProcess;

beforeAll(async () => {
  ingress = await startIngressProcess({
    INGRESS_PATH_TOKENS: `sandbox:${TOKEN}`,
    INGRESS_MAX_CONNECTIONS: '20',
    INGRESS_UNRECOGNIZED_EVENT_LABELS: '3',
  });
});

afterAll(async () => {
  await ingress?.stop();
});

const hookUrl = (): string => `${ingress.url}/billwerk-hook/${TOKEN}`;

async function metrics(): Promise<string> {
  const response = await fetch(`${ingress.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

it('drops connections beyond INGRESS_MAX_CONNECTIONS and counts them', async () => {
  const clients = Array.from({ length: 30 }, () => new RawClient(ingress.port));
  await new Promise((done) => setTimeout(done, 1_500));
  const dropped = clients.filter((client) => !client.open).length;
  clients.forEach((client) => client.destroy());
  expect(dropped).toBe(10);
  // Once the idle ones are gone the ingress serves again.
  await new Promise((done) => setTimeout(done, 200));
  const text = await metrics();
  expect(text).toMatch(/^billwerk_ingress_connections_dropped_total(\{[^}]*\})? 10$/m);
});

it('answers 400, not 500, to JSON nested 10,000 deep', async () => {
  const deep = `{"Event":"ContractCancelled","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  const answer = await postHook(hookUrl(), deep);
  expect(answer.status).toBe(400);
  expect(answer.body.detail).toMatch(/nested deeper than 64/);
  const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  expect((await postHook(hookUrl(), objects)).status).toBe(400);
  // Depth up to the limit is fine, and brackets inside strings do not count.
  const hook = { ...fullHook('ContractCancelled'), Note: '[[[[{{{{'.repeat(100) };
  expect((await postHook(hookUrl(), JSON.stringify(hook))).status).toBe(202);
});

it('labels at most INGRESS_UNRECOGNIZED_EVENT_LABELS unrecognized event names, then "other"', async () => {
  const post = (event: string): Promise<HookResponse> =>
    postHook(hookUrl(), JSON.stringify({ Event: event, ContractId: billwerkId() }));
  for (let i = 0; i < 6; i += 1) {
    expect((await post(`NewBillwerkEvent${'ABCDEF'[i]}`)).status).toBe(202);
  }
  // A name seen before keeps its label.
  expect((await post('NewBillwerkEventA')).status).toBe(202);
  const counts = (await metrics())
    .split('\n')
    .filter((line) => line.startsWith('billwerk_ingress_unrecognized_events_total{'))
    .map((line) => /event="([^"]*)"[^}]*\} (\d+)$/.exec(line)?.slice(1).join(' '));
  expect(counts.sort()).toEqual([
    'NewBillwerkEventA 2',
    'NewBillwerkEventB 1',
    'NewBillwerkEventC 1',
    'other 3',
  ]);
});
