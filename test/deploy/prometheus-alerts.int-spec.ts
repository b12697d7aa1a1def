import { startIngressProcess, type IngressProcess } from '../../apps/ingress/test/ingress-process';
import { billwerkId } from '../fixtures/billwerk-hooks';
import { fastRules, startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { waitFor } from '../support/wait-for';

const TOKEN = 'prometheus-alerts-test-token';

let ingress: IngressProcess;
let prometheus: PrometheusServer;

beforeAll(async () => {
  ingress = await startIngressProcess({ INGRESS_PATH_TOKENS: `billwerk:${TOKEN}` });
  // The shipped rules with 15 s windows and a 2 s `for` instead of 10 minutes each.
  prometheus = await startPrometheus(
    { ingress: [`127.0.0.1:${ingress.port}`] },
    fastRules(['BillwerkHooksRejected'], '15s', '2s'),
  );
});

afterAll(async () => {
  await prometheus?.stop();
  await ingress?.stop();
});

function post(body: unknown, token = TOKEN): Promise<Response> {
  return fetch(`${ingress.url}/billwerk-hook/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('a real Prometheus scraping the real ingress', () => {
  it('fires BillwerkHooksRejected, by status and reason, for hooks answered 400', async () => {
    expect((await post({ Event: 'ContractCancelled', ContractId: billwerkId() })).status).toBe(202);
    await waitFor('the ingress to be scraped', async () => {
      const { ingress: health } = await prometheus.targets();
      return health === 'up';
    });
    expect(await prometheus.alerts()).toEqual([]);

    // billwerk-shaped hooks with an id that is not one, as a changed payload would be.
    const firing = await waitFor(
      'BillwerkHooksRejected to fire',
      async () => {
        expect((await post({ Event: 'ContractCancelled', ContractId: 'not-an-id' })).status).toBe(
          400,
        );
        return (await prometheus.alerts()).find(
          (alert) => alert.labels.alertname === 'BillwerkHooksRejected' && alert.state === 'firing',
        );
      },
      60_000,
    );

    expect(firing.labels).toEqual({
      alertname: 'BillwerkHooksRejected',
      severity: 'warning',
      status: '400',
      reason: 'INVALID_HOOK',
    });
    expect(firing.annotations).toMatchObject({
      summary: 'Ingress rejects hooks: 400 INVALID_HOOK',
      runbook_url: 'docs/alerts.md#billwerkhooksrejected',
    });
    expect(firing.annotations.description).toMatch(/^The hook URL answered 400 \(INVALID_HOOK\)/);
  });
});
