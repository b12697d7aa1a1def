import { resultLines, stepLines, type PlayStart } from './play-report';

const start: PlayStart = {
  scenario: 'cancel-withdraw',
  outcome: 'the case closes as won',
  steps: 3,
  customers: { anna: 'c1' },
  contracts: { contract: 'k1' },
};
const stack = { retentionUrl: 'http://127.0.0.1:3001', auditUrl: 'http://127.0.0.1:3002' };

describe('play report', () => {
  it('ends with the outcome and the commands that show it, the token filled in', () => {
    const lines = resultLines(start, { ...stack, apiToken: 'tok' }).join('\n');
    expect(lines).toContain('what the stack shows: the case closes as won');
    expect(lines).toContain(
      "curl -s -H 'authorization: Bearer tok' 'http://127.0.0.1:3001/retention/cases?customerId=c1'",
    );
    expect(lines).toContain("'http://127.0.0.1:3002/audit/customers/c1/timeline'");
    expect(lines).toContain('npm run watch -- retention.actions.v1 --from-beginning');
    expect(lines).not.toContain('dev-credentials');
  });

  it('says where the token is when it is not known here', () => {
    const lines = resultLines(start, stack).join('\n');
    expect(lines).toContain('Bearer <API token>');
    expect(lines).toContain('.data/dev-credentials.json');
  });

  it('prints no per-customer commands for a play over many customers (bulk)', () => {
    const bulk = { ...start, scenario: 'bulk', outcome: undefined, customers: { a: '1', b: '2' } };
    expect(resultLines(bulk, stack)).toEqual(['', 'done: bulk played.']);
  });

  it('lists a step’s few hooks and counts many', () => {
    const step = { step: 1, of: 3, text: 'x is cancelled', now: '2026-12-03T10:00:00.000Z' };
    const hook = (i: number) => ({ id: `d${i}`, event: 'ContractChanged', status: 'delivered' });
    const [, few] = stepLines({ ...step, deliveries: ['d1'], hooks: [hook(1)] }, new Date());
    expect(few).toContain('ContractChanged delivered');
    const many = Array.from({ length: 7 }, (_, i) => hook(i));
    const [head, counted] = stepLines({ ...step, deliveries: [], hooks: many }, new Date());
    expect(head).toContain('step 1/3: x is cancelled   (billwerk clock 2026-12-03)');
    expect(counted).toContain('7 hooks: 7 delivered');
  });
});
