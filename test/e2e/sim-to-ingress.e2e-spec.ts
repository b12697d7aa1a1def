import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { loadIngressConfig } from '../../apps/ingress/src/config/ingress.config';
import { createIngressApp } from '../../apps/ingress/src/ingress.app';
import { startSim, type RunningSim } from '../../apps/billwerk-sim/test/sim-harness';
import type { Delivery } from '../../apps/billwerk-sim/src/delivery/hook-sender';
import { SCENARIOS } from '../../apps/billwerk-sim/src/scenarios/scenario-catalog';

/** The simulator's hooks, sent the way billwerk sends them, are accepted by the real ingress. */
describe('billwerk simulator → ingress (in-process, real Kafka)', () => {
  let ingress: NestFastifyApplication;
  let hookUrl: string;
  let sim: RunningSim | undefined;

  beforeAll(async () => {
    const config = loadIngressConfig({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      INGRESS_BASIC_AUTH: 'sim:billwerk:hook-pass',
    });
    ingress = await createIngressApp(config, pino({ level: 'silent' }));
    await ingress.listen(0, '127.0.0.1');
    const { port } = ingress.getHttpServer().address() as { port: number };
    hookUrl = `http://127.0.0.1:${port}/billwerk-hook`;
  });

  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  afterAll(() => ingress.close());

  it.each(SCENARIOS.map((scenario) => scenario.name))(
    '%s: every hook is answered 202 on the first attempt',
    async (scenario) => {
      sim = await startSim({
        SIM_WEBHOOK_URL: hookUrl,
        SIM_WEBHOOK_USER: 'billwerk',
        SIM_WEBHOOK_PASSWORD: 'hook-pass',
      });
      const played = await sim.control<{ deliveries: string[] }>(
        'POST',
        `/sim/scenarios/${scenario}/play?wait=true`,
      );
      const deliveries = played.body.deliveries.map(
        (id) => sim!.runtime.sender.get(id) as Delivery,
      );
      expect(deliveries.length).toBeGreaterThan(0);
      for (const delivery of deliveries) {
        expect(delivery.status).toBe('delivered');
        expect(delivery.attempts.map((a) => a.status)).toEqual([202]);
      }
    },
  );

  it('bulk: hundreds of hooks are all accepted', async () => {
    sim = await startSim({
      SIM_WEBHOOK_URL: hookUrl,
      SIM_WEBHOOK_USER: 'billwerk',
      SIM_WEBHOOK_PASSWORD: 'hook-pass',
    });
    const played = await sim.control<{ outcome: Record<string, number> }>(
      'POST',
      '/sim/scenarios/bulk/play?wait=true',
      { hooks: 500, contracts: 50 },
    );
    expect(played.body.outcome).toEqual({ delivered: 500 });
  });

  it('a wrong password gets 401s, which the simulator retries and finally drops', async () => {
    sim = await startSim({
      SIM_WEBHOOK_URL: hookUrl,
      SIM_WEBHOOK_USER: 'billwerk',
      SIM_WEBHOOK_PASSWORD: 'wrong',
      SIM_MAX_RETRIES: '2',
    });
    const played = await sim.control<{ deliveries: string[]; outcome: Record<string, number> }>(
      'POST',
      '/sim/scenarios/trial-ends/play?wait=true',
    );
    expect(played.body.outcome).toEqual({ dropped: 2 });
    const first = sim.runtime.sender.get(played.body.deliveries[0]) as Delivery;
    expect(first.attempts.map((a) => a.status)).toEqual([401, 401, 401]);
  });
});
