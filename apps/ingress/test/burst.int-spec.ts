import { BILLWERK_TOPICS } from '@app/contracts';
import { Agent, request } from 'node:http';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { endOffsets, readBetween, testKafka } from '../../../test/support/topic-reader';
import { SANDBOX_TOKEN, startIngress, type RunningIngress } from './ingress-harness';

const BURST = 5000;

let ingress: RunningIngress;

beforeAll(async () => {
  ingress = await startIngress();
});

afterAll(async () => {
  await ingress.close();
});

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; id: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, id: (JSON.parse(text) as { id: string }).id }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

it(`lands a burst of ${BURST} concurrent hooks, each exactly once`, async () => {
  const kafka = testKafka();
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(`${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`);
  const bodies = Array.from({ length: BURST }, (_, seq) =>
    JSON.stringify({
      Event: 'ContractChanged',
      ContractId: billwerkId(),
      CustomerId: billwerkId(),
      Seq: seq,
    }),
  );

  const before = await endOffsets(kafka, BILLWERK_TOPICS);
  const answers = await Promise.all(bodies.map((body) => post(agent, url, body)));
  const after = await endOffsets(kafka, BILLWERK_TOPICS);
  agent.destroy();

  expect(answers.filter((a) => a.status !== 202)).toEqual([]);
  const answered = new Set(answers.map((a) => a.id));
  expect(answered.size).toBe(BURST);
  // Only this burst's events: other producers may share the broker.
  const messages = (await readBetween(kafka, before, after)).filter((m) =>
    answered.has(m.headers.ce_id),
  );
  expect(messages).toHaveLength(BURST);
  expect(new Set(messages.map((m) => m.headers.ce_id)).size).toBe(BURST);
  const seqs = messages.map((m) => (JSON.parse(m.value) as { data: { Seq: number } }).data.Seq);
  expect(new Set(seqs).size).toBe(BURST);
  expect(messages.every((m) => m.topic === 'billwerk.contract.v1')).toBe(true);
});
