/**
 * What a newcomer sees: every scenario of the simulator's catalog played at the interactive pace
 * of `npm run sim` against the running stack (simulator → ingress → Kafka → retention and
 * audit), and the outcome its `outcome` text promises checked: the cases retention opened and
 * how they closed, the actions it published, and an audit row for every hook. At 2 s a step the
 * whole catalog takes about half a minute of paces.
 */
import { DEFAULT_PACE_MS } from '../../apps/billwerk-sim/src/cli/sim-args';
import type { Delivery } from '../../apps/billwerk-sim/src/delivery/hook-sender';
import { SIM_DISCOUNTS } from '../../apps/billwerk-sim/src/domain/sim-catalog';
import { SCENARIOS } from '../../apps/billwerk-sim/src/scenarios/scenario-catalog';
import type { PlayResult } from '../../apps/billwerk-sim/src/scenarios/scenario-runner';
import {
  actionsSince,
  actionsSnapshot,
  api,
  drained,
  waitFor,
} from '../../apps/retention/test/retention-harness';
import type { CaseDto } from '../../apps/retention/src/retention-case/retention-case.dto';
import { createSqliteDatabase, type TestDatabase } from '../support/databases';
import { canonical, startSimStack, type AuditRow, type SimStack } from '../support/sim-stack';

jest.setTimeout(180_000);

const DISCOUNT = SIM_DISCOUNTS[0].Id;

/** What each scenario's `outcome` promises, as cases (kind → status/outcome) and actions. */
interface Promised {
  cases: Array<Pick<CaseDto, 'kind' | 'status' | 'outcome'>>;
  /** Action types published for the scenario's contracts, each at least once, none other. */
  actions: string[];
}

const PROMISED: Record<string, Promised> = {
  cancel: {
    cases: [{ kind: 'win-back', status: 'open', outcome: null }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'cancel-withdraw': {
    cases: [{ kind: 'win-back', status: 'closed', outcome: 'won' }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'cancel-ends': {
    cases: [{ kind: 'win-back', status: 'closed', outcome: 'lost' }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'trial-ends': {
    cases: [{ kind: 'trial-conversion', status: 'closed', outcome: 'nudged' }],
    actions: ['retention.TrialEndingNudge'],
  },
  'payment-recovery': {
    cases: [{ kind: 'payment-recovery', status: 'closed', outcome: 'recovered' }],
    actions: ['retention.PaymentRecoveryRequested', 'retention.PaymentRecovered'],
  },
  'customer-deleted': { cases: [], actions: [] },
  'customer-deleted-tombstone': { cases: [], actions: [] },
};

type Played = PlayResult & { outcome: Record<string, number> };

describe('e2e: every scenario at the interactive pace shows what its description promises', () => {
  let stack: SimStack;
  let database: TestDatabase;
  let auditDatabase: TestDatabase;

  const casesOf = async (customerId: string): Promise<CaseDto[]> => {
    const answer = await api<CaseDto[]>(
      stack.retention.url,
      'GET',
      `/retention/cases?customerId=${customerId}`,
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    database = await createSqliteDatabase();
    auditDatabase = await createSqliteDatabase();
    // As `npm start` runs it: one demo discount for every plan.
    stack = await startSimStack({
      retentionDatabase: database,
      auditDatabase,
      offerRules: `*=${DISCOUNT}`,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await database?.drop();
    await auditDatabase?.drop();
  });

  it('knows what every scenario of the catalog promises', () => {
    expect(Object.keys(PROMISED).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  // One after another, as a newcomer follows the README: the simulator clock is shared, so a
  // later scenario's jump (31 days for cancel-ends) would end an earlier one's contract.
  it.each(SCENARIOS.map((s) => [s.name, s.outcome]))('%s: %s', async (name) => {
    const { kafka, sim, retention, groupId } = stack;
    const actionsFrom = await actionsSnapshot(kafka);
    const answer = await sim.control<Played>(
      'POST',
      `/sim/scenarios/${name}/play?wait=true&pace=${DEFAULT_PACE_MS}ms`,
    );
    expect(answer.status).toBe(200);
    const play = answer.body;
    const promised = PROMISED[name];
    const [customerId] = Object.values(play.customers);
    const contractIds = Object.values(play.contracts);

    const deliveries = play.deliveries.map((id) => sim.runtime.sender.get(id) as Delivery);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(play.outcome).toEqual({ delivered: deliveries.length });

    // Retention consumed every hook and published what is due: its answer is final.
    await drained(kafka, groupId, retention.dataSource);
    const shape = (cases: Promised['cases']): Promised['cases'] =>
      cases
        .map(({ kind, status, outcome }) => ({ kind, status, outcome }))
        .sort((x, y) => canonical(x).localeCompare(canonical(y)));
    const cases = await casesOf(customerId);
    expect(shape(cases)).toEqual(shape(promised.cases));
    for (const c of cases.filter((c) => c.kind === 'win-back')) {
      expect(c.offer).toMatchObject({ discountId: DISCOUNT });
    }
    const actions = (await actionsSince(kafka, actionsFrom)).filter((a) =>
      contractIds.includes(a.event.data.contractId as string),
    );
    expect([...new Set(actions.map((a) => a.event.type))].sort()).toEqual(
      [...promised.actions].sort(),
    );

    const audited = (rows: AuditRow[], delivery: Delivery) =>
      rows.some(
        (row) =>
          row.type === `billwerk.${delivery.event}` &&
          canonical(row.data) === canonical(delivery.body),
      );
    await waitFor(
      `an audit row for every hook of ${name}`,
      async () => {
        const rows = await stack.auditRows();
        return deliveries.every((delivery) => audited(rows, delivery));
      },
      30_000,
    );
  });
});
